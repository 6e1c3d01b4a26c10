import TriageFlywheel
import TriageJSON
import TriageLog

/// One line of `triage score` input, reduced to what the classifier needs.
///
/// Accepted shapes (one JSON object per line):
/// - `{"prompt": "..."}`: one prompt, a conversation of one message;
/// - OpenAI chat `{"messages": [...]}`: the last user message is the prompt, and the number of
///   messages is the conversation depth the complexity score uses;
/// - a routing log record (a line of `logs/routing.jsonl`, read as `RoutingLogRecord`): the same,
///   from its logged `messages`.
/// Any of them may carry an `id` (string or number), echoed in the output.
public struct ScoreInput: Sendable, Equatable {
    /// The text scored (the last user message).
    public var prompt: String
    /// Messages in the conversation (1 for a bare prompt).
    public var messageCount: Int
    /// The input's `id`, when it has one.
    public var id: JSONValue?

    /// Creates an input.
    public init(prompt: String, messageCount: Int = 1, id: JSONValue? = nil) {
        self.prompt = prompt
        self.messageCount = messageCount
        self.id = id
    }

    /// Parses one input line.
    /// - Throws: ``ScoreInputError`` saying what is wrong with the line.
    public static func parse(_ line: ArraySlice<UInt8>) throws(ScoreInputError) -> ScoreInput {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw ScoreInputError("not valid JSON (\(error.description))")
        }
        guard case .object(let members) = value else { throw ScoreInputError("expected a JSON object") }
        let id: JSONValue?
        switch members["id"] {
        case .some(.string(let text)): id = .string(text)
        case .some(.number(let number)): id = .number(number)
        default: id = nil
        }
        if let prompt = members["prompt"] {
            guard case .string(let text) = prompt else { throw ScoreInputError("\"prompt\" must be a string") }
            return ScoreInput(prompt: text, messageCount: 1, id: id)
        }
        if members["endpoint"] != nil, members["ts"] != nil {
            let record: RoutingLogRecord
            do {
                record = try RoutingLogRecord(json: value)
            } catch {
                throw ScoreInputError("looks like a routing log record but is not a complete one")
            }
            guard let messages = record.messages else { throw ScoreInputError("the routing log record has no \"messages\"") }
            return try conversation(messages, id: id)
        }
        guard let messages = members["messages"] else {
            throw ScoreInputError("no \"prompt\" string and no \"messages\" list")
        }
        return try conversation(messages, id: id)
    }

    /// The last user message of an OpenAI-style `messages` list (string content, or the `text`
    /// parts of a list content joined by newlines) and the number of messages.
    static func conversation(_ messages: JSONValue, id: JSONValue?) throws(ScoreInputError) -> ScoreInput {
        guard case .array(let items) = messages else { throw ScoreInputError("\"messages\" must be a list") }
        for item in items.reversed() {
            guard item["role"]?.stringValue == "user" else { continue }
            switch item["content"] {
            case .some(.string(let text)):
                return ScoreInput(prompt: text, messageCount: items.count, id: id)
            case .some(.array(let parts)):
                let texts = parts.compactMap { $0["text"]?.stringValue }
                if !texts.isEmpty { return ScoreInput(prompt: texts.joined(separator: "\n"), messageCount: items.count, id: id) }
            default:
                break
            }
            throw ScoreInputError("the last user message has no text content")
        }
        throw ScoreInputError("\"messages\" holds no message with role \"user\"")
    }
}

/// Why an input line could not be scored.
public struct ScoreInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in words.
    public let reason: String

    /// Creates an error.
    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}
