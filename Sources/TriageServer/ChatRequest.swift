import Foundation
import TriageJSON

/// The parts of an OpenAI chat completions request that routing and logging need,
/// plus the whole body so it can be forwarded with only the model replaced.
struct ChatRequest: Sendable {
    /// The whole request body as JSON members.
    var body: [String: JSONValue]
    /// The model the client asked for.
    var model: String
    /// The `messages` array exactly as sent.
    var messages: JSONValue
    /// The text of every message, in order (for token estimates).
    var messageTexts: [String]
    /// The text of the last `user` message ("" if there is none).
    var lastUserMessage: String
    /// Whether the client asked for server-sent events.
    var stream: Bool

    /// Parses and checks a request body, throwing a 400 ``APIError`` that says what is wrong.
    init(parsing bytes: [UInt8]) throws(APIError) {
        guard !bytes.isEmpty else {
            throw .invalidRequest("The request body is empty; expected a JSON object with 'model' and 'messages'.", code: "invalid_json")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw .invalidRequest(
                "We could not parse the JSON body of your request: \(Self.describe(error)). Expected a JSON object with 'model' and 'messages'.",
                code: "invalid_json"
            )
        }
        guard case .object(let body) = value else {
            throw .invalidRequest("The request body must be a JSON object with 'model' and 'messages'.", code: "invalid_json")
        }
        guard let modelValue = body["model"] else {
            throw .invalidRequest("Missing required parameter: 'model'.", code: "missing_required_parameter", param: "model")
        }
        guard case .string(let model) = modelValue, !model.isEmpty else {
            throw .invalidRequest("Invalid type for 'model': expected a non-empty string.", code: "invalid_type", param: "model")
        }
        guard let messagesValue = body["messages"] else {
            throw .invalidRequest("Missing required parameter: 'messages'.", code: "missing_required_parameter", param: "messages")
        }
        guard case .array(let messages) = messagesValue else {
            throw .invalidRequest("Invalid type for 'messages': expected an array of message objects.", code: "invalid_type", param: "messages")
        }
        guard !messages.isEmpty else {
            throw .invalidRequest("Invalid 'messages': empty array. Expected an array with minimum length 1.", code: "empty_array", param: "messages")
        }
        var texts: [String] = []
        texts.reserveCapacity(messages.count)
        var lastUser = ""
        for (index, message) in messages.enumerated() {
            guard case .object(let members) = message else {
                throw .invalidRequest("Invalid type for 'messages[\(index)]': expected an object.", code: "invalid_type", param: "messages[\(index)]")
            }
            guard case .string(let role)? = members["role"] else {
                throw .invalidRequest("Missing required parameter: 'messages[\(index)].role'.", code: "missing_required_parameter", param: "messages[\(index)].role")
            }
            let text = try Self.text(of: members["content"], index: index)
            texts.append(text)
            if role == "user" { lastUser = text }
        }
        var stream = false
        switch body["stream"] {
        case nil, .null?: stream = false
        case .bool(let flag)?: stream = flag
        default:
            throw .invalidRequest("Invalid type for 'stream': expected a boolean.", code: "invalid_type", param: "stream")
        }
        self.body = body
        self.model = model
        self.messages = messagesValue
        self.messageTexts = texts
        self.lastUserMessage = lastUser
        self.stream = stream
    }

    /// The body to send upstream: the client's, with `model` replaced by the backend's model.
    func upstreamBody(model upstreamModel: String) throws -> [UInt8] {
        var forwarded = body
        forwarded["model"] = .string(upstreamModel)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array(try encoder.encode(JSONValue.object(forwarded)))
    }

    /// The text of a message's `content`: a string, or an array of parts whose `text` parts are joined.
    private static func text(of content: JSONValue?, index: Int) throws(APIError) -> String {
        switch content {
        case nil, .null?:
            return ""  // assistant messages with tool calls have no content
        case .string(let text)?:
            return text
        case .array(let parts)?:
            var pieces: [String] = []
            for part in parts {
                if case .string(let text)? = part["text"] { pieces.append(text) }
            }
            return pieces.joined(separator: "\n")
        default:
            throw .invalidRequest(
                "Invalid type for 'messages[\(index)].content': expected a string or an array of content parts.",
                code: "invalid_type", param: "messages[\(index)].content"
            )
        }
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            if let underlying = context.underlyingError {
                return "\(underlying)"
            }
            let text = context.debugDescription
            return text.hasSuffix(".") ? String(text.dropLast()) : text
        }
        return "it is not valid JSON"
    }
}
