/// Why a request or response could not be translated between OpenAI Chat Completions and
/// Anthropic Messages. The proxy answers both cases with HTTP 400 in the client's error shape.
public enum TranslationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The input is malformed: `field` is a JSON path such as `messages[2].content`, and
    /// `message` says what was expected there.
    case invalid(field: String, message: String)
    /// The input uses a feature that cannot be translated to the other format yet (tool calls,
    /// images, several choices, ...): `field` names it and `message` says what to do instead.
    case unsupported(field: String, message: String)

    /// `field: message`, ready to show to the client.
    public var description: String {
        switch self {
        case .invalid(let field, let message): "\(field): \(message)"
        case .unsupported(let field, let message): "\(field): \(message)"
        }
    }

    /// The JSON path of the offending input.
    public var field: String {
        switch self {
        case .invalid(let field, _), .unsupported(let field, _): field
        }
    }

    /// The explanation, without the field.
    public var message: String {
        switch self {
        case .invalid(_, let message), .unsupported(_, let message): message
        }
    }

    /// The message of every `.unsupported` error about tool or function calls.
    public static let toolCallsMessage =
        "the legacy OpenAI functions / function_call API has no Anthropic translation; use tools / tool_choice / tool_calls (which translate), or send this request to a backend of the client's own kind"

    /// The message of every `.unsupported` error about images, audio, documents and files.
    public static let mediaMessage =
        "audio, documents and files have no counterpart in the other format (text and images translate); they pass through only when client and backend speak the same format"

    static func toolCalls(_ field: String) -> TranslationError {
        .unsupported(field: field, message: toolCallsMessage)
    }

    static func media(_ field: String) -> TranslationError {
        .unsupported(field: field, message: mediaMessage)
    }
}
