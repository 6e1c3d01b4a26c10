import Foundation
import TriageClassifier

// triage-classifier-bench: quality, speed and memory of the `route: auto` classifier.
// Part 3 (speed/memory) and a clearly labelled synthetic quality check always run; parts 1–2 run
// on the public datasets when they are under --data, and say SKIPPED otherwise.

guard let options = BenchOptions.parse(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(Data(BenchOptions.usage.utf8))
    exit(2)
}
let minFit = 0.05

do {
    let complexity = try ComplexityModel.bundledDefault()
    var corpus = SyntheticCorpus(seed: 42)
    let reference = (0 ..< 15_000).map { _ in corpus.bankingPrompt() }
    print("part 3: speed and memory on a synthetic 15,000-prompt reference …")
    let speed = try SpeedBenchmark.run(reference: reference, complexity: complexity, calls: options.timedCalls)

    print("synthetic quality check …")
    var fresh = SyntheticCorpus(seed: 7)
    let synthetic = try FitQuality.measure(
        name: "SYNTHETIC banking-like vs other domains/languages (not real data)", reference: reference,
        inDistribution: (0 ..< 1000).map { _ in fresh.bankingPrompt() },
        outOfDistribution: (0 ..< 1000).map { _ in fresh.outOfDomainPrompt() }, minFit: minFit)

    let datasets = PublicDatasets(root: options.dataDirectory)
    let missing = "not found (expected layout: \(PublicDatasets.expectedLayout))"
    var clinc: FitQuality?, clincSkipped: String?, banking: FitQuality?, bankingSkipped: String?
    if let data = try datasets.clinc150() {
        print("part 1: CLINC150 (\(data.path)) …")
        clinc = try FitQuality.measure(name: "CLINC150 in-scope test vs oos_test", reference: data.train,
                                       inDistribution: data.test, outOfDistribution: data.outOfScope, minFit: minFit)
    } else {
        clincSkipped = "SKIPPED: \(options.dataDirectory)/**/data_full.json \(missing)"
        print(clincSkipped ?? "")
    }
    if let data = try datasets.banking77() {
        print("part 2: banking77 (\(data.path)) …")
        var outside: [String] = []
        var sources: [String] = []
        if let gsm = try datasets.gsm8k() { outside += gsm.questions; sources.append("GSM8K \(gsm.questions.count)") }
        if let mt = try datasets.mtBench() { outside += mt.questions; sources.append("MT-Bench \(mt.questions.count)") }
        if let clincData = try datasets.clinc150() { outside += clincData.outOfScope; sources.append("CLINC150 oos_test \(clincData.outOfScope.count)") }
        if outside.isEmpty {
            bankingSkipped = "SKIPPED: banking77 found but no out-of-distribution set (GSM8K, MT-Bench, CLINC150) \(missing)"
            print(bankingSkipped ?? "")
        } else {
            banking = try FitQuality.measure(name: "banking77 test vs \(sources.joined(separator: " + "))",
                                             reference: data.train, inDistribution: data.test,
                                             outOfDistribution: outside, minFit: minFit)
        }
    } else {
        bankingSkipped = "SKIPPED: \(options.dataDirectory)/**/banking77*/{train,test}.csv \(missing)"
        print(bankingSkipped ?? "")
    }

    let report = BenchReport(
        date: ISO8601DateFormatter().string(from: Date()),
        host: "\(ProcessInfo.processInfo.hostName), \(ProcessInfo.processInfo.activeProcessorCount) cores",
        loadAverage: (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
            .split(separator: " ").prefix(3).joined(separator: " ") ?? "n/a",
        dataDirectory: options.dataDirectory, speed: speed, synthetic: synthetic,
        clinc150: clinc, clinc150Skipped: clincSkipped, banking77: banking, banking77Skipped: bankingSkipped,
        notes: [
            "AUROC and FPR@95%TPR use the raw top-5 mean cosine similarity with in-distribution as the positive class; the calibrated fit is a monotone function of it.",
            "min_fit = \(minFit): 'in kept local' = fraction of in-distribution prompts with calibrated fit ≥ min_fit; 'out escalated' = fraction of out-of-distribution prompts below it.",
            "Latencies are Classifier.classify (tokenize once, fit, complexity with the bundled default weights), one thread, after 200 warm-up calls.",
            "The synthetic sets come from a small template vocabulary: they exercise the code paths and measure speed; they say nothing about quality on real prompts.",
            "Published baselines (e.g. Larson et al. 2019 for CLINC150; Podolskiy et al. 2021) are not reproduced here; compare against their reported numbers.",
        ])
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let directory = (options.outputBase as NSString).deletingLastPathComponent
    if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
    try encoder.encode(report).write(to: URL(fileURLWithPath: options.outputBase + ".json"))
    let markdown = report.markdown()
    try Data(markdown.utf8).write(to: URL(fileURLWithPath: options.outputBase + ".md"))
    print("\n" + markdown)
    print("wrote \(options.outputBase).md and \(options.outputBase).json")
} catch {
    FileHandle.standardError.write(Data("triage-classifier-bench: \(error)\n".utf8))
    exit(1)
}
