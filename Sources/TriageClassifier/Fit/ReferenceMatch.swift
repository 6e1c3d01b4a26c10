/// A reference prompt close to a scored prompt.
public struct ReferenceMatch: Sendable, Equatable {
    /// The reference prompt's position (use ``ReferenceIndex/example(at:)`` for its text).
    public let referenceIndex: Int
    /// Cosine similarity in [0, 1].
    public let similarity: Double

    /// Creates a match.
    public init(referenceIndex: Int, similarity: Double) {
        self.referenceIndex = referenceIndex
        self.similarity = similarity
    }
}
