/// Both scores of one prompt, as computed by ``Classifier/classify(prompt:messageCount:)``.
public struct Classification: Sendable {
    /// Calibrated distribution fit in [0, 1]; nil when the classifier has no reference.
    public let fit: Double?
    /// Raw top-k mean cosine similarity behind `fit`; nil without a reference.
    public let rawSimilarity: Double?
    /// Probability in [0, 1] that the prompt needs the large model.
    public let complexity: Double
    /// The complexity details (for `topContributions`).
    public let complexityScore: ComplexityScore
    /// Time spent on the fit score (tokenizing included).
    public let fitDuration: Duration
    /// Time spent on the complexity score.
    public let complexityDuration: Duration
}
