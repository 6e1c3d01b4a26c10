/// Errors training, loading or saving a ``ComplexityModel``, or reading labelled prompts.
public enum ComplexityModelError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A weights or labels file could not be read.
    case cannotRead(path: String, reason: String)
    /// A weights file could not be written.
    case cannotWrite(path: String, reason: String)
    /// A weights file is not valid or does not match this version's features.
    case invalidWeights(path: String, reason: String)
    /// A labels line is malformed.
    case malformedLabel(path: String, line: Int, reason: String)
    /// Training needs examples of both labels.
    case insufficientLabels(positives: Int, negatives: Int)
    /// The weights file shipped in the package is missing from the bundle.
    case missingDefaultWeights

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason):
            return "cannot read '\(path)': \(reason)"
        case .cannotWrite(let path, let reason):
            return "cannot write complexity weights to '\(path)': \(reason) (choose a writable path)"
        case .invalidWeights(let path, let reason):
            return "'\(path)' is not a usable complexity weights file: \(reason) (re-create it with `triage train --labels FILE.jsonl`)"
        case .malformedLabel(let path, let line, let reason):
            return "\(path):\(line): \(reason) (each line must be {\"prompt\": \"...\", \"label\": 0 or 1}, 1 = needed the large model)"
        case .insufficientLabels(let positives, let negatives):
            return "training needs both labels: got \(positives) \(positives == 1 ? "prompt" : "prompts") labelled 1 and \(negatives) labelled 0 (add examples of the missing label)"
        case .missingDefaultWeights:
            return "the default complexity weights (complexity-default.json) are missing from the TriageClassifier bundle (keep triage_TriageClassifier.resources beside the triage binary, or set auto.complexity_weights in routes.yaml to weights written by `triage train`)"
        }
    }
}
