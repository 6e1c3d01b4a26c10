import Foundation
import TriageClassifier

/// Part 3: speed and memory on a deterministic synthetic 15,000-prompt reference.
enum SpeedBenchmark {
    static func run(reference: [String], complexity: ComplexityModel, calls: Int) throws -> SpeedResults {
        let clock = ContinuousClock()
        let rssBefore = MemoryProbe.residentBytes()
        let start = clock.now
        let index = try ReferenceIndex(prompts: reference)
        let build = clock.now - start
        let rssAfter = MemoryProbe.residentBytes()

        // JSONL → build → cache write, then a load that must come from the cache.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-classifier-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let jsonl = directory.appendingPathComponent("reference.jsonl")
        let lines = try reference.map { prompt -> String in
            String(decoding: try JSONSerialization.data(withJSONObject: ["prompt": prompt]), as: UTF8.self)
        }
        try Data(lines.joined(separator: "\n").utf8).write(to: jsonl)
        let cache = directory.appendingPathComponent("cache").path
        let firstStart = clock.now
        _ = try ReferenceIndex.load(path: jsonl.path, cacheDirectory: cache)
        let first = clock.now - firstStart
        let cachedStart = clock.now
        let cached = try ReferenceIndex.load(path: jsonl.path, cacheDirectory: cache)
        let cachedLoad = clock.now - cachedStart

        let classifier = Classifier(reference: index, complexity: complexity)
        var corpus = SyntheticCorpus(seed: 0x5eed)
        let short = (0 ..< calls).map { _ in corpus.shortBankingPrompt(words: 20) }
        let long = (0 ..< calls).map { _ in corpus.longBankingPrompt(tokens: 2000) }
        let latencies = [
            measure(label: "short (~20 tokens)", prompts: short, classifier: classifier),
            measure(label: "long (~2,000 tokens)", prompts: long, classifier: classifier),
        ]

        // Approximation error of the candidate search against brute force.
        var approx = SyntheticCorpus(seed: 0xa99)
        let queries = (0 ..< 200).map { _ in approx.bankingPrompt() } + (0 ..< 100).map { _ in approx.outOfDomainPrompt() }
        var sumError = 0.0, maxError = 0.0, agree = 0
        for query in queries {
            let fast = index.nearest(query, k: index.options.k)
            let exact = index.nearestExhaustive(query, k: index.options.k)
            let error = abs(mean(fast) - mean(exact))
            sumError += error
            maxError = max(maxError, error)
            if fast.first?.similarity == exact.first?.similarity { agree += 1 }
        }
        return SpeedResults(
            referenceCount: reference.count, buildSeconds: build.seconds,
            rssDeltaBytes: rssBefore.flatMap { before in rssAfter.map { $0 - before } },
            indexBytes: index.byteCount, loadBuildAndCacheWriteSeconds: first.seconds,
            cacheLoadSeconds: cachedLoad.seconds, cacheLoadedFromCache: cached.loadedFromCache,
            latencies: latencies, approximationQueries: queries.count,
            approximationMeanAbsError: sumError / Double(queries.count), approximationMaxAbsError: maxError,
            approximationTop1Agreement: Double(agree) / Double(queries.count))
    }

    private static func mean(_ matches: [ReferenceMatch]) -> Double {
        matches.reduce(0) { $0 + $1.similarity } / 5
    }

    private static func measure(label: String, prompts: [String], classifier: Classifier) -> LatencyResult {
        for prompt in prompts.prefix(200) { _ = classifier.classify(prompt: prompt) }  // warm-up
        let clock = ContinuousClock()
        var totals: [Double] = [], fits: [Double] = [], complexities: [Double] = []
        totals.reserveCapacity(prompts.count)
        for prompt in prompts {
            let start = clock.now
            let result = classifier.classify(prompt: prompt)
            totals.append((clock.now - start).microseconds)
            fits.append(result.fitDuration.microseconds)
            complexities.append(result.complexityDuration.microseconds)
        }
        let total = Percentiles(totals)
        let tokens = prompts.reduce(0) { $0 + $1.utf8.count / 4 } / max(prompts.count, 1)
        return LatencyResult(label: label, estimatedTokens: tokens, calls: prompts.count, p50: total.value(50),
                             p99: total.value(99), fitP50: Percentiles(fits).value(50),
                             complexityP50: Percentiles(complexities).value(50))
    }
}
