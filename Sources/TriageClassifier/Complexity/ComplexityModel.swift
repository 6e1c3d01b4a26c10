import Foundation

/// Would a small model struggle with this prompt? A logistic regression over standardised dense
/// features (``ComplexityFeatures/names``) and hashed word unigrams/bigrams, its logit
/// Platt-scaled so the probability estimates the chance that the small model fails.
///
/// Immutable and `Sendable`. Get one from ``bundledDefault()`` (weights trained by `make weights`
/// on RouteLLM's public MMLU/GSM8K outcome labels — a proxy: train on your own labels), from
/// ``load(from:)``, or from ``train(examples:options:)``.
public struct ComplexityModel: Sendable {
    /// Mean of each dense feature on the training split.
    public let means: [Double]
    /// Standard deviation of each dense feature on the training split (≥ 1e-6).
    public let stds: [Double]
    /// Weight of each standardised dense feature.
    public let denseWeights: [Double]
    /// log2 of the hashed n-gram dimension.
    public let hashBits: Int
    /// One weight per hashed n-gram bucket (`1 << hashBits` entries).
    public let hashedWeights: [Double]
    /// The intercept.
    public let bias: Double
    /// Platt scaling of the logit: probability = sigmoid(slope · logit + intercept).
    public let calibrationSlope: Double
    /// See ``calibrationSlope``.
    public let calibrationIntercept: Double
    /// Text of the most frequent training n-gram of a bucket, for explanations.
    public let ngramNames: [UInt32: String]
    /// Held-out metrics from training, when known.
    public let metrics: TrainingMetrics?
    /// Where the weights came from (free text, stored in the weights file).
    public let source: String
    /// When the weights were trained (ISO 8601), when known.
    public let trainedAt: String?

    /// Creates a model from its parameters; array sizes must match (checked by ``load(from:)``).
    public init(means: [Double], stds: [Double], denseWeights: [Double], hashBits: Int, hashedWeights: [Double],
                bias: Double, ngramNames: [UInt32: String] = [:], calibrationSlope: Double = 1,
                calibrationIntercept: Double = 0, metrics: TrainingMetrics? = nil,
                source: String = "", trainedAt: String? = nil) {
        self.means = means
        self.stds = stds
        self.denseWeights = denseWeights
        self.hashBits = hashBits
        self.hashedWeights = hashedWeights
        self.bias = bias
        self.ngramNames = ngramNames
        self.calibrationSlope = calibrationSlope
        self.calibrationIntercept = calibrationIntercept
        self.metrics = metrics
        self.source = source
        self.trainedAt = trainedAt
    }

    /// Scores `prompt`, the last user message of a conversation of `messageCount` messages.
    public func score(prompt: String, messageCount: Int = 1) -> ComplexityScore {
        score(prompt: prompt, tokens: Tokenizer.tokenize(prompt), messageCount: messageCount)
    }

    /// Scores a prompt already tokenized by ``Tokenizer/tokenize(_:)``.
    public func score(prompt: String, tokens: TokenizedPrompt, messageCount: Int) -> ComplexityScore {
        let features = ComplexityFeatures(prompt: prompt, tokens: tokens, messageCount: messageCount, hashBits: hashBits)
        return score(features)
    }

    func score(_ features: ComplexityFeatures) -> ComplexityScore {
        var logit = bias
        var dense = [Double](repeating: 0, count: features.dense.count)
        for i in features.dense.indices where i < denseWeights.count {
            let contribution = denseWeights[i] * (features.dense[i] - means[i]) / stds[i]
            dense[i] = contribution
            logit += contribution
        }
        var ngrams: [(bucket: UInt32, value: Double)] = []
        ngrams.reserveCapacity(features.ngrams.count)
        for i in 0 ..< features.ngrams.count {
            let bucket = features.ngrams.indices[i]
            guard Int(bucket) < hashedWeights.count else { continue }
            let contribution = hashedWeights[Int(bucket)] * Double(features.ngrams.values[i])
            ngrams.append((bucket, contribution))
            logit += contribution
        }
        return ComplexityScore(probability: Self.sigmoid(calibrationSlope * logit + calibrationIntercept), logit: logit, denseContributions: dense,
                               ngramContributions: ngrams, model: self)
    }

    /// The display name of a hashed bucket: its most frequent training n-gram, else "ngram#<bucket>".
    func ngramName(_ bucket: UInt32) -> String {
        ngramNames[bucket].map { "\"\($0)\"" } ?? "ngram#\(bucket)"
    }

    static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }
}
