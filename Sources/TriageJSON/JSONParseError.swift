/// Why a JSON document could not be parsed.
public enum JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not JSON; `offset` is the byte where parsing stopped.
    case syntax(message: String, offset: Int)
    /// Arrays and objects nest deeper than the parser accepts.
    case tooDeep(maxDepth: Int)
    /// The document is valid JSON but not an object.
    case notAnObject

    public var description: String {
        switch self {
        case .syntax(let message, let offset): return "\(message) at byte \(offset)"
        case .tooDeep(let maxDepth): return "arrays and objects nest deeper than \(maxDepth) levels"
        case .notAnObject: return "the document is not a JSON object"
        }
    }
}
