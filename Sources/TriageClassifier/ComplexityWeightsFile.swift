/// The JSON layout of a complexity weights file (``ComplexityModel/save(to:)``).
struct ComplexityWeightsFile: Codable, Sendable {
    /// One non-zero hashed n-gram weight.
    struct HashedWeight: Codable, Sendable {
        var index: UInt32
        var weight: Double
        var name: String?
    }

    static let currentVersion = 1
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
    var hashBits: Int
    var hashDimension: Int
    var hashedWeights: [HashedWeight]
    var metrics: TrainingMetrics?
}
