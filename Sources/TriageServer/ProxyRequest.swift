import Foundation
import TriageJSON
import TriageRouting
import TriagePrivacy

/// A client request as routing, forwarding and logging need it, whatever API it came in on:
/// the whole body (forwarded with only the model replaced, or translated), the model asked
/// for, whether to stream, and the text of its messages.
struct ProxyRequest: Sendable {
    /// The API the client called.
    var api: ClientAPI
    /// The whole request body as JSON members.
    var body: [String: JSONValue]
    /// The model the client asked for.
    var model: String
    /// The messages for the routing log, in OpenAI chat form (`[{role, content}]`).
    var messages: JSONValue
    /// The text of every message (the system prompt included), in order, for token estimates.
    var messageTexts: [String]
    /// The text of the last `user` message ("" if there is none).
    var lastUserMessage: String
    /// Whether the client asked for server-sent events.
    var stream: Bool
    /// Whether an OpenAI client asked for a final usage chunk (`stream_options.include_usage`).
    var includeUsage: Bool = false
    /// The body as the client sent it, and where its `model` value lies in it, so that a body
    /// forwarded to a backend of the same API is spliced, not re-encoded.
    var rawBody: [UInt8] = []
    var modelSpan: Range<Int>?
    /// What the privacy scan found; nil when nothing.
    var privacy: RequestPrivacy?

    init(
        api: ClientAPI, body: [String: JSONValue], model: String, messages: JSONValue, messageTexts: [String],
        lastUserMessage: String, stream: Bool, includeUsage: Bool = false
    ) {
        self.api = api
        self.body = body
        self.model = model
        self.messages = messages
        self.messageTexts = messageTexts
        self.lastUserMessage = lastUserMessage
        self.stream = stream
        self.includeUsage = includeUsage
    }

    /// Parses a body as a JSON object, throwing a 400 that says what is wrong; also returns
    /// where the `model` value lies in `bytes` (the one span a forwarded body needs).
    static func jsonObject(_ bytes: [UInt8], expected: String) throws(APIError) -> (members: [String: JSONValue], modelSpan: Range<Int>?) {
        guard !bytes.isEmpty else {
            throw .invalidRequest("The request body is empty; expected a JSON object with \(expected).", code: .invalidJSON)
        }
        do {
            let parsed = try JSONParser.parseObject(bytes, spanOf: "model")
            return (parsed.members, parsed.span)
        } catch .notAnObject {
            throw .invalidRequest("The request body must be a JSON object with \(expected).", code: .invalidJSON)
        } catch {
            throw .invalidRequest(
                "We could not parse the JSON body of your request: \(error). Expected a JSON object with \(expected).",
                code: .invalidJSON
            )
        }
    }

    /// The model field: a non-empty string.
    static func model(in body: [String: JSONValue]) throws(APIError) -> String {
        guard let modelValue = body["model"] else {
            throw .invalidRequest("Missing required parameter: 'model'.", code: .missingRequiredParameter, param: "model")
        }
        guard case .string(let model) = modelValue, !model.isEmpty else {
            throw .invalidRequest("Invalid type for 'model': expected a non-empty string.", code: .invalidType, param: "model")
        }
        return model
    }

    /// The stream field: absent, null or a boolean.
    static func stream(in body: [String: JSONValue]) throws(APIError) -> Bool {
        switch body["stream"] {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        default:
            throw .invalidRequest("Invalid type for 'stream': expected a boolean.", code: .invalidType, param: "stream")
        }
    }

    /// Parses and checks an OpenAI chat completions body, throwing a 400 ``APIError`` that says what is wrong.
    init(openAIChat bytes: [UInt8]) throws(APIError) {
        let (body, span) = try Self.jsonObject(bytes, expected: "'model' and 'messages'")
        let model = try Self.model(in: body)
        guard let messagesValue = body["messages"] else {
            throw .invalidRequest("Missing required parameter: 'messages'.", code: .missingRequiredParameter, param: "messages")
        }
        guard case .array(let messages) = messagesValue else {
            throw .invalidRequest("Invalid type for 'messages': expected an array of message objects.", code: .invalidType, param: "messages")
        }
        guard !messages.isEmpty else {
            throw .invalidRequest("Invalid 'messages': empty array. Expected an array with minimum length 1.", code: .emptyArray, param: "messages")
        }
        var texts: [String] = []
        texts.reserveCapacity(messages.count)
        var lastUser = ""
        for (index, message) in messages.enumerated() {
            guard case .object(let members) = message else {
                throw .invalidRequest("Invalid type for 'messages[\(index)]': expected an object.", code: .invalidType, param: "messages[\(index)]")
            }
            guard case .string(let role)? = members["role"] else {
                throw .invalidRequest("Missing required parameter: 'messages[\(index)].role'.", code: .missingRequiredParameter, param: "messages[\(index)].role")
            }
            let text = try Self.text(of: members["content"], index: index)
            texts.append(text)
            if role == "user" { lastUser = text }
        }
        let stream = try Self.stream(in: body)
        self.api = .openAIChat
        self.body = body
        self.model = model
        self.messages = messagesValue
        self.messageTexts = texts
        self.lastUserMessage = lastUser
        self.stream = stream
        if case .bool(true)? = body["stream_options"]?["include_usage"] { self.includeUsage = true }
        self.rawBody = bytes
        self.modelSpan = span
    }

    /// The text of a message's `content`: a string, or an array of parts whose `text` parts are joined.
    static func text(of content: JSONValue?, index: Int) throws(APIError) -> String {
        guard let text = ChatTexts.text(of: content) else {
            throw .invalidRequest(
                "Invalid type for 'messages[\(index)].content': expected a string or an array of content parts.",
                code: .invalidType, param: "messages[\(index)].content"
            )
        }
        return text
    }
}

extension ProxyRequest {
    /// The same request asking for a whole (non-streamed) answer, as shadow copies do. The
    /// client's own bytes may say `"stream": true`, so the copy is re-encoded from `body`
    /// (without `stream_options`), never spliced.
    func nonStreaming() -> ProxyRequest {
        var copy = self
        copy.stream = false
        copy.includeUsage = false
        copy.body["stream"] = .bool(false)
        copy.body["stream_options"] = nil
        copy.modelSpan = nil
        return copy
    }
}
