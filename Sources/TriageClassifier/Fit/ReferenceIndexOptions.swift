/// Parameters of a ``ReferenceIndex``. Part of the cache key: changing any of them rebuilds.
public struct ReferenceIndexOptions: Sendable, Equatable {
    /// Neighbours averaged into the raw fit score (default 5).
    public var k: Int
    /// log2 of the number of hash buckets (default 18, i.e. 262,144).
    public var dimensionBits: Int
    /// Fraction of the reference held out to calibrate (default 0.1; at least one prompt).
    public var heldOutFraction: Double
    /// Subtracted from the raw score per unit share of the prompt's words that the reference never
    /// uses (default 0.3, chosen on CLINC150 val/oos_val; 0 turns the term off).
    public var unseenWordPenalty: Double

    /// Creates options; values are clamped to sane ranges when the index is built.
    public init(k: Int = 5, dimensionBits: Int = 18, heldOutFraction: Double = 0.1, unseenWordPenalty: Double = 0.3) {
        self.k = k
        self.dimensionBits = dimensionBits
        self.heldOutFraction = heldOutFraction
        self.unseenWordPenalty = unseenWordPenalty
    }
}
