/// Command-line options of `triage-classifier-bench`.
struct BenchOptions {
    var dataDirectory = "../shared/data"
    var outputBase = "bench/results/classifier"
    var timedCalls = 2000
    var speedOnly = false
    var profileShortCalls = 0

    static let usage = """
    usage: triage-classifier-bench [--data DIR] [--out PATH_WITHOUT_EXTENSION] [--calls N] [--speed-only] [--profile-short N]
      --data   directory holding the public datasets (default ../shared/data)
      --out    writes PATH.md and PATH.json (default bench/results/classifier)
      --calls  timed calls per prompt length (default 2000, minimum 100)
      --speed-only  part 3 only, printed and not written (for profiling)
      --profile-short N  build the synthetic index, classify N ~20-token prompts, print nothing (for perf/callgrind)
    """

    /// Parses `arguments` (without the program name); nil after printing usage for bad input.
    static func parse(_ arguments: [String]) -> BenchOptions? {
        var options = BenchOptions()
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "--data":
                guard let value = rest.popFirst() else { return nil }
                options.dataDirectory = value
            case "--out":
                guard let value = rest.popFirst() else { return nil }
                options.outputBase = value.hasSuffix(".md") || value.hasSuffix(".json")
                    ? String(value[..<(value.lastIndex(of: ".") ?? value.endIndex)]) : value
            case "--profile-short":
                guard let value = rest.popFirst(), let calls = Int(value), calls > 0 else { return nil }
                options.profileShortCalls = calls
            case "--speed-only":
                options.speedOnly = true
            case "--calls":
                guard let value = rest.popFirst(), let calls = Int(value), calls >= 100 else { return nil }
                options.timedCalls = calls
            default:
                return nil
            }
        }
        return options
    }
}
