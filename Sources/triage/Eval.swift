import ArgumentParser
import Foundation
import TriageConfig
import TriageEval
import TriageJudge
import TriageJSON
import TriageServer
import TriageUpstream

/// `triage eval`: the promotion gate for a new model, on the held-out split of `triage export`.
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Test a backend on held-out data before it takes traffic: pass/fail against a threshold.",
        discussion: """
        Sends every conversation of DATA (the test.jsonl that `triage export` writes: chat lines
        whose last assistant message is the reference answer, or prompt-completion lines) to the
        backend NAME of routes.yaml, at temperature 0, and compares each answer with the reference:
        exact match and token F1 after normalisation (lowercase, no punctuation, no a/an/the),
        and, when a judge is configured (shadow.judge, or --judge), the judge's pairwise grade of
        the answer against the reference, both orders (win 1, tie 0.5, loss 0).

        The run passes when the chosen metric (--metric, else eval.metric, default f1) reaches
        the threshold (--threshold, else eval.threshold). Progress goes to stderr; each finished
        item is appended to the progress file (0600), and --resume skips the items already answered
        in it (items whose call failed are sent again).

        Exit codes: 0 pass; 1 fail (or no threshold); 2 bad options, config or data.

        Examples:
          triage eval --backend candidate --data data/ft/test.jsonl --threshold 0.5
          triage eval --backend local --data test.jsonl --metric judge --judge remote --threshold 0.4 --json
        """
    )

    @Option(name: .shortAndLong, help: "The routing rules file (backends, shadow.judge, eval).")
    var config: String = "routes.yaml"

    @Option(help: "The backend to test (a name under backends: in routes.yaml).")
    var backend: String

    @Option(help: "Held-out JSONL written by `triage export` (test.jsonl).")
    var data: String

    @Option(help: "Pass when the metric is at least this (0...1); default eval.threshold.")
    var threshold: Double?

    @Option(help: "The metric the threshold applies to: exact, f1 or judge; default eval.metric, else f1.")
    var metric: String?

    @Option(help: "Judge backend (instead of shadow.judge.backend).")
    var judge: String?

    @Flag(help: "Do not judge, even when shadow.judge is configured.")
    var noJudge = false

    @Option(help: "Items in flight at once.")
    var concurrency: Int = 4

    @Option(help: "max_tokens asked of the backend (default: the backend's own).")
    var maxTokens: Int?

    @Option(help: "Progress file (default: DATA.eval-BACKEND.progress.jsonl).")
    var progress: String?

    @Flag(help: "Skip the items already answered in the progress file (failed ones are retried).")
    var resume = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func run() async throws {
        let routes = try loadRoutesOrExit(config)
        func usage(_ message: String) -> ExitCode {
            FileHandle.standardError.write(Data("triage eval: \(message)\n".utf8))
            return ExitCode(2)
        }
        guard let target = routes.backend(named: backend) else {
            throw usage("no backend '\(backend)' in \(config); known: \(routes.backends.map(\.name).joined(separator: ", "))")
        }
        guard concurrency >= 1 else { throw usage("--concurrency must be at least 1") }
        if let threshold, !(0...1).contains(threshold) { throw usage("--threshold must be between 0 and 1, got \(threshold)") }
        guard let chosenMetric = metric.map(EvalConfig.Metric.init(rawValue:)) ?? routes.eval.metric else {
            throw usage("--metric must be exact, f1 or judge")
        }
        if let judge, routes.backend(named: judge) == nil { throw usage("no judge backend '\(judge)' in \(config)") }
        let environment = ProcessInfo.processInfo.environment
        let grader: ShadowJudge?
        do {
            grader = noJudge ? nil : try ShadowJudge.make(config: routes, environment: environment, backendOverride: judge, ignoringCap: true)
        } catch {
            throw usage(error.description)
        }
        if chosenMetric == .judge, grader == nil { throw usage("--metric judge needs a judge: shadow.judge in \(config), or --judge NAME") }
        var skipped = 0
        let items: [EvalItem]
        do {
            items = try EvalItem.load(path: data) { problem in
                skipped += 1
                FileHandle.standardError.write(Data("triage eval: \(data): \(problem)\n".utf8))
            }
        } catch {
            throw usage(error.description)
        }
        guard !items.isEmpty else { throw usage("\(data) has no items") }
        let progressPath = progress ?? "\(data).eval-\(backend).progress.jsonl"
        let finished = resume ? EvalProgress.finished(path: progressPath) : [:]
        let file: EvalProgress
        do {
            file = try EvalProgress(path: progressPath, resume: resume)
        } catch {
            throw usage(error.description)
        }
        let client = UpstreamClient()
        defer { client.shutdown() }
        let runner = EvalRunner(
            client: client, config: routes, backend: target, judge: grader, concurrency: concurrency, maxTokens: maxTokens, environment: environment
        )
        let resumed = EvalRunner.reusable(finished, items: items).count
        let stderr = FileHandle.standardError
        stderr.write(Data("triage eval: \(items.count) items to \(backend) (\(resumed) already done), \(concurrency) at a time; progress in \(progressPath)\n".utf8))
        let clock = ContinuousClock()
        let started = clock.now
        var lastReport = started
        var failures = 0
        let outcomes = await runner.run(items, finished: finished, progress: file) { done, total, outcome in
            if outcome.error != nil { failures += 1 }
            if let error = outcome.error { stderr.write(Data("triage eval: \(outcome.id): \(error)\n".utf8)) }
            let now = clock.now
            guard done == total || now - lastReport >= .seconds(1) else { return }
            lastReport = now
            let seconds = Double((now - started).components.seconds)
            stderr.write(Data("triage eval: \(done)/\(total) done, \(failures) failed, \(Int(seconds)) s\n".utf8))
        }
        var summary = EvalSummary(
            backend: backend, data: data, outcomes: outcomes, judge: grader?.backend.name, metric: chosenMetric,
            threshold: threshold ?? routes.eval.threshold
        )
        summary.resumed = resumed
        summary.skippedLines = skipped
        if json {
            print(String(decoding: summary.json.jsonBytes, as: UTF8.self))
        } else {
            print(summary.text, terminator: "")
        }
        if !summary.passed { throw ExitCode(1) }
    }
}
