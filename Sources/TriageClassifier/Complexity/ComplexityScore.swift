/// The complexity score of one prompt, with what it takes to explain it.
public struct ComplexityScore: Sendable {
    /// Probability in [0, 1] that the prompt needs the large model.
    public let probability: Double
    /// The logit (bias plus all contributions).
    public let logit: Double
    let denseContributions: [Double]
    let ngramContributions: [(bucket: UInt32, value: Double)]
    let model: ComplexityModel

    /// The `n` features with the largest absolute contribution, largest first (ties by name).
    public func topContributions(_ n: Int) -> [FeatureContribution] {
        var all: [FeatureContribution] = []
        for (i, value) in denseContributions.enumerated() where value != 0 {
            all.append(FeatureContribution(name: ComplexityFeatures.names[i], contribution: value))
        }
        for entry in ngramContributions where entry.value != 0 {
            all.append(FeatureContribution(name: model.ngramName(entry.bucket), contribution: entry.value))
        }
        all.sort { abs($0.contribution) != abs($1.contribution) ? abs($0.contribution) > abs($1.contribution) : $0.name < $1.name }
        return Array(all.prefix(max(n, 0)))
    }
}
