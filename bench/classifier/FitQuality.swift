import TriageClassifier

/// Distribution-fit quality of a reference on in-distribution vs out-of-distribution prompts.
struct FitQuality: Codable {
    var name: String
    var referenceCount: Int
    var inCount: Int
    var outCount: Int
    /// AUROC of the raw similarity with in-distribution as positive.
    var auroc: Double?
    /// FPR (out-of-distribution kept local) at 95% TPR (in-distribution kept local), raw similarity.
    var fpr95: Double?
    /// At min_fit: fraction of in-distribution prompts kept local (fit ≥ min_fit).
    var inKeptLocal: Double
    /// At min_fit: fraction of out-of-distribution prompts escalated (fit < min_fit).
    var outEscalated: Double
    var minFit: Double
    var buildSeconds: Double

    /// Builds the index over `reference`, scores both sets and computes the metrics.
    static func measure(name: String, reference: [String], inDistribution: [String], outOfDistribution: [String],
                        minFit: Double) throws -> FitQuality {
        let clock = ContinuousClock()
        let start = clock.now
        let index = try ReferenceIndex(prompts: reference)
        let build = clock.now - start
        let inScores = inDistribution.map { index.fit(prompt: $0) }
        let outScores = outOfDistribution.map { index.fit(prompt: $0) }
        return FitQuality(
            name: name, referenceCount: reference.count, inCount: inScores.count, outCount: outScores.count,
            auroc: QualityMetrics.auroc(positives: inScores.map(\.raw), negatives: outScores.map(\.raw)),
            fpr95: QualityMetrics.fprAtTPR(positives: inScores.map(\.raw), negatives: outScores.map(\.raw)),
            inKeptLocal: fraction(inScores) { $0.calibrated >= minFit },
            outEscalated: fraction(outScores) { $0.calibrated < minFit },
            minFit: minFit, buildSeconds: build.seconds)
    }

    private static func fraction(_ scores: [FitScore], _ predicate: (FitScore) -> Bool) -> Double {
        scores.isEmpty ? 0 : Double(scores.filter(predicate).count) / Double(scores.count)
    }
}
