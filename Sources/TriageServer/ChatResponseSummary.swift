import Foundation
import TriageJSON
import TriageSSE

/// What the routing log keeps of an answer: its text, finish reason and reported usage.
///
/// Built from a whole JSON `chat.completion` body, or from the bytes of a streamed answer
/// (server-sent events of `chat.completion.chunk` objects) reassembled after the stream ends,
/// so that parsing never delays the relay.
struct ChatResponseSummary: Sendable, Equatable {
    var text: String = ""
    var finishReason: String?
    var promptTokens: Int?
    var completionTokens: Int?

    init() {}

    init(text: String, finishReason: String?, promptTokens: Int?, completionTokens: Int?) {
        self.text = text
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// Summarises a non-streamed `chat.completion` body. Unparseable bodies give an empty summary.
    init(completionBody bytes: [UInt8]) {
        self.init(completion: try? JSONParser.parse(bytes[...], keeping: Self.fields))
    }

    /// Summarises a non-streamed `chat.completion` already parsed with (at least) ``fields``;
    /// nil (not JSON) gives an empty summary.
    init(completion: JSONValue?) {
        guard let completion else { return }
        absorb(completion, streamed: false)
    }

    /// Summarises the raw bytes of an SSE stream of `chat.completion.chunk` events.
    init(sseBytes bytes: [UInt8]) {
        var parser = SSEParser()
        for event in parser.feed(bytes) + parser.finish() where event.data != "[DONE]" {
            var data = event.data
            // An event that is not JSON adds nothing (the relay's check reports it).
            data.withUTF8 { try? absorb(json: $0, streamed: true) }
        }
    }

    /// Adds one `chat.completion` (or, `streamed`, one `chat.completion.chunk`) parsed with ``fields``.
    mutating func absorb(_ completion: JSONValue, streamed: Bool) {
        if case .array(let choices)? = completion["choices"], let choice = choices.first {
            let piece = (streamed ? choice["delta"] : choice["message"])?["content"]?.stringValue
            if let piece = piece ?? choice["text"]?.stringValue { text += piece }
            if let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
        }
        if case .object(let usage)? = completion["usage"] {
            if case .number(let prompt)? = usage["prompt_tokens"], let count = Self.tokenCount(prompt) { promptTokens = count }
            if case .number(let completion)? = usage["completion_tokens"], let count = Self.tokenCount(completion) { completionTokens = count }
        }
    }

    /// The same as ``absorb(_:streamed:)``, read in place from the document's JSON bytes (one
    /// event's data, say): the same fields and rules, a repeated key's last value winning,
    /// nothing built but the text. Throws when the bytes are not one JSON document; then
    /// nothing is added.
    mutating func absorb(json buffer: UnsafeBufferPointer<UInt8>, streamed: Bool) throws(JSONParseError) {
        var fields = AnswerFields()
        try JSONParser.read(buffer) { (parser: inout JSONParser) throws(JSONParseError) in
            try fields.read(&parser, streamed: streamed)
        }
        if let choice = fields.choice {
            if let piece = choice.piece ?? choice.text { text += piece }
            if let reason = choice.reason { finishReason = reason }
        }
        if let usage = fields.usage {
            if let prompt = usage.prompt.flatMap(Self.tokenCount) { promptTokens = prompt }
            if let completion = usage.completion.flatMap(Self.tokenCount) { completionTokens = completion }
        }
    }

    /// A token count from an answer's number: nil unless it is a whole number a count can be
    /// (an upstream's `1e400` or `-3.5` is not, and must not trap the conversion).
    static func tokenCount(_ number: Double) -> Int? {
        guard number.isFinite, number >= 0, number <= 9_007_199_254_740_992 else { return nil }
        return Int(exactly: number.rounded(.towardZero))
    }

    /// The only members `absorb` reads: the rest of an answer (ids, roles, logprobs, tool
    /// calls...) is skipped by the parser instead of built and thrown away.
    static let fields = JSONKeyFilter([
        "choices", "delta", "message", "content", "text", "finish_reason", "usage", "prompt_tokens", "completion_tokens",
    ])
}

/// The fields ``ChatResponseSummary`` reads from one answer document, read in place
/// (``ChatResponseSummary/absorb(json:streamed:)``).
private struct AnswerFields {
    /// The first choice's content piece, `text` and `finish_reason`, when the (last) `choices`
    /// is an array with a first item; each nil unless a string.
    var choice: (piece: String?, text: String?, reason: String?)?
    /// `prompt_tokens` and `completion_tokens` when the (last) `usage` is an object; each nil unless a number.
    var usage: (prompt: Double?, completion: Double?)?

    mutating func read(_ parser: inout JSONParser, streamed: Bool) throws(JSONParseError) {
        try parser.readObject(keeping: Self.top) { (parser, key) throws(JSONParseError) in
            if key == "choices" {
                choice = nil
                try parser.readArray { (parser, position) throws(JSONParseError) in
                    guard position == 0 else { return }  // left: checked and passed over
                    choice = try Self.readChoice(&parser, streamed: streamed)
                }
            } else {
                usage = nil
                var counts: (prompt: Double?, completion: Double?) = (nil, nil)
                let isObject = try parser.readObject(keeping: Self.usageKeys) { (parser, key) throws(JSONParseError) in
                    if key == "prompt_tokens" { counts.prompt = try parser.readNumber() } else { counts.completion = try parser.readNumber() }
                }
                if isObject { usage = counts }
            }
        }
    }

    /// The first choice (all nil when it is not an object): the content of its `delta`
    /// (`streamed`) or `message`, its `text` and `finish_reason`.
    private static func readChoice(_ parser: inout JSONParser, streamed: Bool) throws(JSONParseError) -> (piece: String?, text: String?, reason: String?) {
        var choice: (piece: String?, text: String?, reason: String?) = (nil, nil, nil)
        try parser.readObject(keeping: choiceKeys) { (parser, key) throws(JSONParseError) in
            switch key {
            case "text": choice.text = try parser.readString()
            case "finish_reason": choice.reason = try parser.readString()
            default:  // `delta` or `message`: only the one of this kind of answer counts
                guard (key == "delta") == streamed else { return }
                choice.piece = nil
                try parser.readObject(keeping: content) { (parser, _) throws(JSONParseError) in
                    choice.piece = try parser.readString()
                }
            }
        }
        return choice
    }

    private static let top = JSONKeyFilter(["choices", "usage"])
    private static let choiceKeys = JSONKeyFilter(["delta", "message", "text", "finish_reason"])
    private static let content = JSONKeyFilter(["content"])
    private static let usageKeys = JSONKeyFilter(["prompt_tokens", "completion_tokens"])
}
