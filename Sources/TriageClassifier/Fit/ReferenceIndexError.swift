/// Errors building or loading a ``ReferenceIndex``.
public enum ReferenceIndexError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The reference file could not be read.
    case cannotRead(path: String, reason: String)
    /// A line is not valid JSON or has neither a `messages` list with a user message nor a `prompt` string.
    case malformedLine(path: String, line: Int, reason: String)
    /// Too few prompts to build and calibrate an index.
    case tooFewPrompts(path: String, count: Int, minimum: Int)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason):
            return "cannot read reference file '\(path)': \(reason) (check the reference path in routes.yaml)"
        case .malformedLine(let path, let line, let reason):
            return "\(path):\(line): \(reason) (each line must be {\"messages\": [{\"role\": \"user\", \"content\": ...}, ...]} or {\"prompt\": \"...\"}; fix or delete the line)"
        case .tooFewPrompts(let path, let count, let minimum):
            return "reference '\(path)' holds \(count) \(count == 1 ? "prompt" : "prompts"); at least \(minimum) are needed to build and calibrate the fit index (point routes.yaml at the local model's fine-tuning data)"
        }
    }
}
