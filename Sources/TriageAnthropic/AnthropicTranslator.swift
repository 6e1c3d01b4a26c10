import TriageJSON

/// Translation between OpenAI Chat Completions and Anthropic Messages bodies, both directions:
/// requests, non-streaming responses and errors. Streams are translated by
/// ``AnthropicToOpenAIStream`` and ``OpenAIToAnthropicStream``.
///
/// Text, images (base64 and URL), function tools, tool calls and tool results translate both
/// ways; what has no counterpart on the other side (audio, files, documents, server tools,
/// thinking blocks, legacy `functions`) throws ``TranslationError/unsupported(field:message:)``
/// naming the field.
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
                texts.append(try openAIPartText(part, field: "\(field)[\(index)]"))
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
                texts.append(try anthropicBlockText(block, field: "\(field)[\(index)]"))
            }
            return texts
        case nil:
            throw .invalid(field: field, message: "is required: a string or an array of content blocks")
        default:
            throw .invalid(field: field, message: "expected a string or an array of content blocks")
        }
    }

    /// The text of one OpenAI content part (`text` or `refusal`); other parts throw.
    static func openAIPartText(_ part: JSONValue, field partField: String) throws(TranslationError) -> String {
        guard let type = part["type"]?.stringValue else {
            throw .invalid(field: "\(partField).type", message: "expected a content part with a string \"type\" such as \"text\"")
        }
        switch type {
        case "text", "refusal":
            let key = type == "text" ? "text" : "refusal"
            guard let text = part[key]?.stringValue else {
                throw .invalid(field: "\(partField).\(key)", message: "expected a string")
            }
            return text
        case "image_url":
            throw .unsupported(field: partField, message: "images cannot go here in the Anthropic format (only in user messages)")
        case "input_audio", "file", "input_image", "audio":
            throw TranslationError.media(partField)
        default:
            throw .unsupported(field: "\(partField).type", message: "content parts of type \"\(type)\" have no Anthropic counterpart; text and image_url parts do")
        }
    }

    /// The text of one Anthropic text block; other blocks throw.
    static func anthropicBlockText(_ block: JSONValue, field blockField: String) throws(TranslationError) -> String {
        guard let type = block["type"]?.stringValue else {
            throw .invalid(field: "\(blockField).type", message: "expected a content block with a string \"type\" such as \"text\"")
        }
        switch type {
        case "text":
            guard let text = block["text"]?.stringValue else {
                throw .invalid(field: "\(blockField).text", message: "expected a string")
            }
            return text
        case "tool_use", "tool_result":
            throw .unsupported(field: blockField, message: "tool blocks cannot go here (tool_use only in assistant messages, tool_result only in user messages)")
        case "server_tool_use", "web_search_tool_result", "mcp_tool_use", "mcp_tool_result":
            throw .unsupported(field: blockField, message: "Anthropic server-side tool blocks (\"\(type)\") have no OpenAI counterpart")
        case "image":
            throw .unsupported(field: blockField, message: "images cannot go here in the OpenAI format (only in user messages)")
        case "document", "search_result", "container_upload":
            throw TranslationError.media(blockField)
        case "thinking", "redacted_thinking":
            throw .unsupported(field: blockField, message: "thinking blocks cannot be translated to the OpenAI format; drop them from the conversation history or use an Anthropic backend")
        default:
            throw .unsupported(field: "\(blockField).type", message: "content blocks of type \"\(type)\" have no OpenAI counterpart; text, image, tool_use and tool_result blocks do")
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
