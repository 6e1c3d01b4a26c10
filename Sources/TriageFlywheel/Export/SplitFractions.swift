import TriageHashing

/// How an export is divided into train, validation and test, decided by a stable hash of the prompt.
///
/// The split of a sample is a pure function of its normalised prompt (``Conversation/splitKey``):
/// `u = SplitMix64.unitInterval(hashing: key)` in 0..<1, then train when `u < train`, validation when
/// `u < train + validation`, test otherwise. The same prompt therefore lands in the same split in
/// every export, whatever else the log contains, and no prompt is in two splits.
public struct SplitFractions: Sendable, Equatable, Codable {
    /// Fraction for training.
    public let train: Double
    /// Fraction for validation.
    public let validation: Double
    /// Fraction for test.
    public let test: Double

    /// 0.9 / 0.05 / 0.05.
    public static let standard = SplitFractions(uncheckedTrain: 0.9, validation: 0.05, test: 0.05)

    /// Creates fractions; each in 0...1, adding up to 1 (within 1e-9).
    public init(train: Double, validation: Double, test: Double) throws(FlywheelError) {
        let all = [train, validation, test]
        guard all.allSatisfy({ $0.isFinite && (0...1).contains($0) }), abs(all.reduce(0, +) - 1) <= 1e-9 else {
            throw .invalidSplitFractions(train: train, validation: validation, test: test)
        }
        self.init(uncheckedTrain: train, validation: validation, test: test)
    }

    private init(uncheckedTrain train: Double, validation: Double, test: Double) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// The split of a sample whose split key is `key`.
    public func split(forKey key: String) -> DatasetSplit {
        let u = SplitMix64.unitInterval(hashing: key)
        if u < train { return .train }
        if u < train + validation { return .validation }
        return .test
    }
}
