/// One feature's signed contribution to a complexity logit (weight × standardised value).
public struct FeatureContribution: Sendable, Equatable {
    /// The dense feature's name (e.g. "reasoning.cues"), the n-gram text, or "ngram#1234".
    public let name: String
    /// Positive pushes towards the large model, negative towards the local one.
    public let contribution: Double

    /// Creates a contribution.
    public init(name: String, contribution: Double) {
        self.name = name
        self.contribution = contribution
    }
}
