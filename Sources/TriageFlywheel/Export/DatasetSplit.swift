/// The part of an exported data set a sample belongs to.
public enum DatasetSplit: String, Sendable, Codable, CodingKeyRepresentable, CaseIterable, Hashable {
    /// Training data (`train.jsonl`).
    case train
    /// Held out for tuning while training (`validation.jsonl`).
    case validation
    /// Held out for the final evaluation (`test.jsonl`).
    case test

    /// The output file name of the split, e.g. `train.jsonl`.
    public var fileName: String { "\(rawValue).jsonl" }
}
