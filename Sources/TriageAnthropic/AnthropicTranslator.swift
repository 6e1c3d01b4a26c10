import TriageJSON

/// Translation between OpenAI Chat Completions and Anthropic Messages bodies, both directions:
/// requests, non-streaming responses and errors. Streams are translated by
/// ``AnthropicToOpenAIStream`` and ``OpenAIToAnthropicStream``.
///
/// Only text conversations translate. Tool/function calls, images and other media throw
/// ``TranslationError/unsupported(field:message:)``: they pass through only when the client and
/// the backend speak the same format.
public enum AnthropicTranslator {
    /// `max_tokens` sent to Anthropic when the OpenAI request has none (Anthropic requires it).
    public static let defaultMaxTokens = 4096

    // MARK: Shared content helpers

    /// The text pieces of an OpenAI message `content`: a string, null, or an array of parts.
    static func openAITexts(_ content: JSONValue?, field: String) throws(TranslationError) -> [String] {
        switch content {
        case nil, .null?:
            return []
        case .string(let text)?:
            return [text]
        case .array(let parts)?:
            var texts: [String] = []
            for (index, part) in parts.enumerated() {
                let partField = "\(field)[\(index)]"
                guard let type = part["type"]?.stringValue else {
                    throw .invalid(field: "\(partField).type", message: "expected a content part with a string \"type\" such as \"text\"")
                }
                switch type {
                case "text", "refusal":
                    let key = type == "text" ? "text" : "refusal"
                    guard let text = part[key]?.stringValue else {
                        throw .invalid(field: "\(partField).\(key)", message: "expected a string")
                    }
                    texts.append(text)
                case "image_url", "input_audio", "file", "input_image", "audio":
                    throw TranslationError.media(partField)
                default:
                    throw .unsupported(field: "\(partField).type", message: "content parts of type \"\(type)\" cannot be translated; only \"text\" parts can")
                }
            }
            return texts
        default:
            throw .invalid(field: field, message: "expected a string, null, or an array of content parts")
        }
    }

    /// The text pieces of an Anthropic `content` (or `system`): a string or an array of blocks.
    static func anthropicTexts(_ content: JSONValue?, field: String) throws(TranslationError) -> [String] {
        switch content {
        case .string(let text)?:
            return [text]
        case .array(let blocks)?:
            var texts: [String] = []
            for (index, block) in blocks.enumerated() {
                let blockField = "\(field)[\(index)]"
                guard let type = block["type"]?.stringValue else {
                    throw .invalid(field: "\(blockField).type", message: "expected a content block with a string \"type\" such as \"text\"")
                }
                switch type {
                case "text":
                    guard let text = block["text"]?.stringValue else {
                        throw .invalid(field: "\(blockField).text", message: "expected a string")
                    }
                    texts.append(text)
                case "tool_use", "tool_result", "server_tool_use", "web_search_tool_result", "mcp_tool_use", "mcp_tool_result":
                    throw TranslationError.toolCalls(blockField)
                case "image", "document", "search_result", "container_upload":
                    throw TranslationError.media(blockField)
                case "thinking", "redacted_thinking":
                    throw .unsupported(field: blockField, message: "thinking blocks cannot be translated to the OpenAI format; drop them from the conversation history or use an Anthropic backend")
                default:
                    throw .unsupported(field: "\(blockField).type", message: "content blocks of type \"\(type)\" cannot be translated; only \"text\" blocks can")
                }
            }
            return texts
        case nil:
            throw .invalid(field: field, message: "is required: a string or an array of content blocks")
        default:
            throw .invalid(field: field, message: "expected a string or an array of content blocks")
        }
    }

    /// Checks an optional number parameter and returns it.
    static func number(_ body: [String: JSONValue], _ key: String) throws(TranslationError) -> JSONValue? {
        switch body[key] {
        case nil, .null?: return nil
        case .number(let value)?: return .number(value)
        default: throw .invalid(field: key, message: "expected a number")
        }
    }

    /// Checks an optional whole-number parameter and returns it.
    static func integer(_ body: [String: JSONValue], _ key: String) throws(TranslationError) -> Int? {
        switch body[key] {
        case nil, .null?: return nil
        case let value?:
            guard let int = value.intValue else { throw .invalid(field: key, message: "expected an integer") }
            return int
        }
    }

    /// Checks an optional boolean parameter and returns it.
    static func boolean(_ body: [String: JSONValue], _ key: String) throws(TranslationError) -> Bool? {
        switch body[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw .invalid(field: key, message: "expected true or false")
        }
    }
}
