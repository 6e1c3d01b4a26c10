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
    if options.profileShortCalls > 0 {
        let classifier = Classifier(reference: try ReferenceIndex(prompts: reference), complexity: complexity)
        var prompts = SyntheticCorpus(seed: 0x5eed)
        let short = (0 ..< 1000).map { _ in prompts.shortBankingPrompt(words: 20) }
        var sink = 0.0
        for i in 0 ..< options.profileShortCalls { sink += classifier.classify(prompt: short[i % short.count]).complexity }
        exit(sink.isNaN ? 1 : 0)
    }
    print("part 3: speed and memory on a synthetic 15,000-prompt reference …")
    let speed = try SpeedBenchmark.run(reference: reference, complexity: complexity, calls: options.timedCalls)
    if options.speedOnly {
        for l in speed.latencies {
            print("\(l.label): p50 \(l.p50) µs, p99 \(l.p99) µs, fit p50 \(l.fitP50) µs, complexity p50 \(l.complexityP50) µs")
        }
        print("build \(speed.buildSeconds * 1000) ms, load from cache \(speed.cacheLoadSeconds * 1000) ms, index \(speed.indexBytes) bytes, RSS delta \(speed.rssDeltaBytes ?? -1) bytes, approximation mean |Δ| \(speed.approximationMeanAbsError), top-1 agreement \(speed.approximationTop1Agreement)")
        exit(0)
    }

    print("synthetic quality check …")
    var fresh = SyntheticCorpus(seed: 7)
    let synthetic = try FitQuality.measure(
        name: "SYNTHETIC banking-like vs other domains/languages (not real data)", reference: reference,
        inDistribution: (0 ..< 1000).map { _ in fresh.bankingPrompt() },
        outOfDistribution: (0 ..< 1000).map { _ in fresh.outOfDomainPrompt() }, minFit: minFit)

    let datasets = PublicDatasets(root: options.dataDirectory)
    let missing = "not found (expected layout: \(PublicDatasets.expectedLayout))"
    var clinc: FitQuality?, clincSkipped: String?, banking: FitQuality?, bankingSkipped: String?
    var clincVal: FitQuality?
    if let data = try datasets.clinc150() {
        print("part 1: CLINC150 (\(data.path)) …")
        let (index, build) = try FitQuality.buildIndex(data.train)
        clincVal = FitQuality.measure(name: "CLINC150 val vs oos_val (the tuning split)", index: index, buildSeconds: build,
                                      inDistribution: data.val, outOfDistribution: [("oos_val", data.outOfScopeVal)], minFit: minFit)
        clinc = FitQuality.measure(name: "CLINC150 test vs oos_test (protocol a1)", index: index, buildSeconds: build,
                                   inDistribution: data.test, outOfDistribution: [("oos_test", data.outOfScope)], minFit: minFit)
    } else {
        clincSkipped = "SKIPPED: \(options.dataDirectory)/**/data_full.json \(missing)"
        print(clincSkipped ?? "")
    }
    if let data = try datasets.banking77() {
        print("part 2: banking77 (\(data.path)) …")
        var outside: [(name: String, prompts: [String])] = []
        if let clincData = try datasets.clinc150() {
            if !clincData.testOutsideBanking.isEmpty {
                outside.append(("CLINC150 test outside banking/credit_cards", clincData.testOutsideBanking))
            }
            outside.append(("CLINC150 oos_test", clincData.outOfScope))
        }
        if let gsm = try datasets.gsm8k() { outside.append(("GSM8K test", gsm.questions)) }
        if let mt = try datasets.mtBench() { outside.append(("MT-Bench turn 1", mt.questions)) }
        if outside.isEmpty {
            bankingSkipped = "SKIPPED: banking77 found but no out-of-distribution set (GSM8K, MT-Bench, CLINC150) \(missing)"
            print(bankingSkipped ?? "")
        } else {
            let (index, build) = try FitQuality.buildIndex(data.train)
            banking = FitQuality.measure(name: "banking77 test vs pooled negatives (protocol a2)", index: index,
                                         buildSeconds: build, inDistribution: data.test, outOfDistribution: outside,
                                         minFit: minFit)
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
        clinc150Val: clincVal, clinc150: clinc, clinc150Skipped: clincSkipped, banking77: banking, banking77Skipped: bankingSkipped,
        notes: [
            "AUROC and FPR@95%TPR use the raw fit score (top-5 mean cosine similarity less 0.3 × the share of the prompt's words the reference never uses) with in-distribution as the positive class; the calibrated fit is a monotone function of it. Hyperparameters were chosen on CLINC150 val/oos_val only.",
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
