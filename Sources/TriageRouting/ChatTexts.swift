import TriageJSON

/// The texts routing reads from an OpenAI-shaped `messages` list: every message's text (for the
/// token estimate) and the last user message's (for rules and the classifier).
///
/// The proxy logs every request's messages in this shape (Anthropic and legacy completions
/// requests included), so the same texts can be taken again from a routing log record.
public struct ChatTexts: Sendable, Equatable {
    /// Each message's text, in order.
    public var texts: [String]
    /// The text of the last message with role `user` (empty when there is none).
    public var lastUserMessage: String

    /// Creates texts.
    public init(texts: [String], lastUserMessage: String) {
        self.texts = texts
        self.lastUserMessage = lastUserMessage
    }

    /// Reads a logged `messages` value; `nil` when it is not a non-empty list of messages with a
    /// string role and text content.
    public init?(messages: JSONValue) {
        guard case .array(let items) = messages, !items.isEmpty else { return nil }
        var texts: [String] = []
        texts.reserveCapacity(items.count)
        var lastUser = ""
        for item in items {
            guard case .object(let members) = item, case .string(let role)? = members["role"],
                  let text = Self.text(of: members["content"]) else { return nil }
            texts.append(text)
            if role == "user" { lastUser = text }
        }
        self.init(texts: texts, lastUserMessage: lastUser)
    }

    /// The text of a message's `content`: empty for none (an assistant message with tool calls),
    /// a string as it is, or the `text` parts of a list joined by newlines; `nil` for other types.
    public static func text(of content: JSONValue?) -> String? {
        switch content {
        case nil, .null?:
            return ""
        case .string(let text)?:
            return text
        case .array(let parts)?:
            var pieces: [String] = []
            for part in parts {
                if case .string(let text)? = part["text"] { pieces.append(text) }
            }
            return pieces.joined(separator: "\n")
        default:
            return nil
        }
    }

    /// The prompt size estimate rules compare with (``TokenEstimator/estimate(messages:)``).
    public var estimatedPromptTokens: Int { TokenEstimator.estimate(messages: texts) }
}
