/// Hyper-parameters of ``ComplexityModel/train(examples:options:)``. Defaults suit a few hundred
/// to tens of thousands of labelled prompts.
public struct TrainingOptions: Sendable, Equatable {
    /// Passes over the training split.
    public var epochs: Int
    /// Examples per gradient step.
    public var batchSize: Int
    /// Initial step size (decays as `rate / (1 + epoch / 50)`).
    public var learningRate: Double
    /// L2 penalty on the dense weights (and the hashed ones unless ``ngramL2`` is set).
    public var l2: Double
    /// L2 penalty on the hashed n-gram weights (nil: ``l2``). Larger keeps the model from
    /// memorising the vocabulary of the topics it was trained on.
    public var ngramL2: Double?
    /// Fraction held out for metrics (by hash of the prompt text).
    public var heldOutFraction: Double
    /// log2 of the number of hashed n-gram buckets.
    public var hashBits: Int
    /// Seed of the shuffling PRNG.
    public var seed: UInt64
    /// Recorded in the weights file (e.g. the labels file's name).
    public var source: String

    /// Creates options.
    public init(epochs: Int = 200, batchSize: Int = 16, learningRate: Double = 0.5, l2: Double = 1e-3,
                heldOutFraction: Double = 0.2, hashBits: Int = 14, seed: UInt64 = 0x7269_6167_6521,
                source: String = "labels", ngramL2: Double? = nil) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.l2 = l2
        self.heldOutFraction = heldOutFraction
        self.hashBits = hashBits
        self.seed = seed
        self.source = source
        self.ngramL2 = ngramL2
    }
}
