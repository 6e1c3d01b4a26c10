/// The JSON layout of a complexity weights file (``ComplexityModel/save(to:)``).
struct ComplexityWeightsFile: Codable, Sendable {
    /// One non-zero hashed n-gram weight.
    struct HashedWeight: Codable, Sendable {
        var index: UInt32
        var weight: Double
        var name: String?
    }

    /// Platt scaling of the logit.
    struct Calibration: Codable, Sendable {
        var slope: Double
        var intercept: Double
    }

    /// 2: the question-structure features (mcq.*, numbers.*, cue.*, …) and Platt calibration.
    /// Version 1 files (17 dense features, uncalibrated) are rejected with a message to retrain.
    static let currentVersion = 2
    static let modelKind = "triage-complexity-logistic-regression"

    var version: Int
    var kind: String
    var note: String
    var source: String
    var trainedAt: String?
    var featureNames: [String]
    var means: [Double]
    var stds: [Double]
    var denseWeights: [Double]
    var bias: Double
    var calibration: Calibration?
    var hashBits: Int
    var hashDimension: Int
    var hashedWeights: [HashedWeight]
    var metrics: TrainingMetrics?
}
