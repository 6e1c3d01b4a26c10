import TriageClassifier

/// AUROC and FPR@95%TPR of one out-of-distribution source against the in-distribution set.
struct SourceQuality: Codable {
    var name: String
    var count: Int
    var auroc: Double?
    var fpr95: Double?
}

/// Distribution-fit quality of a reference on in-distribution vs out-of-distribution prompts.
struct FitQuality: Codable {
    var name: String
    var referenceCount: Int
    var inCount: Int
    var outCount: Int
    /// AUROC of the raw score with in-distribution as positive.
    var auroc: Double?
    /// FPR (out-of-distribution kept local) at 95% TPR (in-distribution kept local), raw score.
    var fpr95: Double?
    /// At min_fit: fraction of in-distribution prompts kept local (fit ≥ min_fit).
    var inKeptLocal: Double
    /// At min_fit: fraction of out-of-distribution prompts escalated (fit < min_fit).
    var outEscalated: Double
    var minFit: Double
    var buildSeconds: Double
    /// The same metrics per out-of-distribution source (when there is more than one).
    var perSource: [SourceQuality] = []

    /// Builds the index over `reference`, scores both sets and computes the metrics.
    static func measure(name: String, reference: [String], inDistribution: [String], outOfDistribution: [String],
                        minFit: Double) throws -> FitQuality {
        let (index, build) = try buildIndex(reference)
        return measure(name: name, index: index, buildSeconds: build, inDistribution: inDistribution,
                       outOfDistribution: [("out", outOfDistribution)], minFit: minFit)
    }

    /// Builds a reference index and returns it with its build time in seconds.
    static func buildIndex(_ reference: [String]) throws -> (ReferenceIndex, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let index = try ReferenceIndex(prompts: reference)
        return (index, (clock.now - start).seconds)
    }

    /// Scores both sets with an existing index; `outOfDistribution` is pooled and also reported per source.
    static func measure(name: String, index: ReferenceIndex, buildSeconds: Double, inDistribution: [String],
                        outOfDistribution: [(name: String, prompts: [String])], minFit: Double) -> FitQuality {
        let inScores = inDistribution.map { index.fit(prompt: $0) }
        let inRaw = inScores.map(\.raw)
        var outScores: [FitScore] = []
        var perSource: [SourceQuality] = []
        for source in outOfDistribution {
            let scores = source.prompts.map { index.fit(prompt: $0) }
            outScores += scores
            perSource.append(SourceQuality(
                name: source.name, count: scores.count,
                auroc: QualityMetrics.auroc(positives: inRaw, negatives: scores.map(\.raw)),
                fpr95: QualityMetrics.fprAtTPR(positives: inRaw, negatives: scores.map(\.raw))))
        }
        return FitQuality(
            name: name, referenceCount: index.count, inCount: inScores.count, outCount: outScores.count,
            auroc: QualityMetrics.auroc(positives: inRaw, negatives: outScores.map(\.raw)),
            fpr95: QualityMetrics.fprAtTPR(positives: inRaw, negatives: outScores.map(\.raw)),
            inKeptLocal: fraction(inScores) { $0.calibrated >= minFit },
            outEscalated: fraction(outScores) { $0.calibrated < minFit },
            minFit: minFit, buildSeconds: buildSeconds, perSource: perSource.count > 1 ? perSource : [])
    }

    private static func fraction(_ scores: [FitScore], _ predicate: (FitScore) -> Bool) -> Double {
        scores.isEmpty ? 0 : Double(scores.filter(predicate).count) / Double(scores.count)
    }
}
