import TriageJSON
import TriageLog

/// The text of a logged chat request, as used for filters, dedupe and the split.
public struct Conversation: Sendable, Equatable {
    /// The request's messages, as logged (OpenAI chat form).
    public var messages: [JSONValue]
    /// The text of the last user message: the "prompt" of prompt/completion export and of labels.
    public var lastUserText: String?
    /// Every message as `role: text`, one per line: the whole prompt side of the conversation.
    public var transcript: String

    /// Reads the conversation of a record; `nil` when it has no messages array (embeddings, rejected requests).
    public init?(record: RoutingLogRecord) {
        self.init(messages: record.messages)
    }

    /// Reads a messages array (OpenAI chat form); `nil` when `value` is not a non-empty array.
    public init?(messages value: JSONValue?) {
        guard case .array(let items)? = value, !items.isEmpty else { return nil }
        messages = items
        lastUserText = TailFormatter.lastUserText(value)
        transcript = items.map { item in
            let role = item["role"]?.stringValue ?? "?"
            return "\(role): \(Self.text(of: item["content"]))"
        }.joined(separator: "\n")
    }

    /// The text of a message's `content`: a string, or the `text` of its parts.
    static func text(of content: JSONValue?) -> String {
        switch content {
        case .string(let text)?: return text
        case .array(let parts)?: return parts.compactMap { $0["text"]?.stringValue }.joined(separator: " ")
        default: return ""
        }
    }

    /// The text the split is decided by: the normalised last user message (the whole transcript when
    /// there is no user message). The same prompt always gets the same split.
    public var splitKey: String {
        TextNormalizer.normalize(lastUserText ?? transcript)
    }
}
