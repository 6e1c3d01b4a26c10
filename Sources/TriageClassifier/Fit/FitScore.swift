/// The distribution-fit score of one prompt.
public struct FitScore: Sendable, Equatable {
    /// Mean cosine similarity of the top-k reference prompts, in [0, 1].
    public let raw: Double
    /// Conformal p-value in [0, 1]: the fraction of held-out reference prompts with raw score ≤ `raw`.
    /// `min_fit: 0.05` escalates prompts less typical than the 5% least typical held-out prompts.
    public let calibrated: Double

    /// Creates a score.
    public init(raw: Double, calibrated: Double) {
        self.raw = raw
        self.calibrated = calibrated
    }
}
