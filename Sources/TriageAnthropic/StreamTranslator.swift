import TriageSSE

/// A translator from one API's server-sent event stream to another's, fed as bytes arrive:
/// ``AnthropicToOpenAIStream`` and ``OpenAIToAnthropicStream``. It also keeps what the routing
/// log needs of the answer.
public protocol StreamTranslator: Sendable {
    /// Consumes upstream bytes; returns the translated bytes to relay now (possibly none).
    mutating func feed(_ bytes: [UInt8]) -> [UInt8]
    /// Ends the stream: translates what the upstream left unterminated, then closes the
    /// translated stream cleanly unless it already ended.
    mutating func finish() -> [UInt8]
    /// Ends the stream with an error event in the client's format (e.g. when the upstream
    /// connection fails mid-stream); returns nothing if the stream already ended.
    mutating func fail(status: Int, message: String) -> [UInt8]
    /// The answer text so far.
    var text: String { get }
    /// The upstream's finish reason, in OpenAI's vocabulary; nil until reported.
    var finishReason: String? { get }
    /// Prompt tokens, once reported.
    var inputTokens: Int? { get }
    /// Completion tokens, once reported.
    var outputTokens: Int? { get }
}

/// What a translated stream keeps of the answer for the routing log.
public struct StreamAnswer: Sendable, Equatable {
    /// The answer text so far: every text delta, concatenated.
    public var text = ""
    /// The upstream's finish reason, in OpenAI's vocabulary (`stop`, `length`, `tool_calls`,
    /// `content_filter`); nil until reported.
    public var finishReason: String?
    /// Prompt (input) tokens, once reported (cache reads and writes included).
    public var inputTokens: Int?
    /// Completion (output) tokens, once reported.
    public var outputTokens: Int?
    /// Every tool call's streamed arguments so far, for the output estimate.
    public var toolArguments = ""
}

/// A translator that keeps its answer in a ``StreamAnswer``: the ``StreamTranslator`` members
/// come from it.
public protocol StreamAnswerKeeping: StreamTranslator {
    /// The answer so far.
    var answer: StreamAnswer { get }
}

extension StreamAnswerKeeping {
    public var text: String { answer.text }
    public var finishReason: String? { answer.finishReason }
    public var inputTokens: Int? { answer.inputTokens }
    public var outputTokens: Int? { answer.outputTokens }
}

/// The event loop both translators share: parse the upstream's SSE bytes into events and hand
/// each to `handle`; at the end, flush the parser and let `end` close the stream.
protocol SSEEventTranslator: StreamAnswerKeeping {
    var parser: SSEParser { get set }
    /// True once the translated stream has ended; later input is ignored.
    var ended: Bool { get set }
    mutating func handle(_ event: SSEEvent, into out: inout [UInt8])
    mutating func end(into out: inout [UInt8])
}

extension SSEEventTranslator {
    mutating func translate(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for event in parser.feed(bytes) { handle(event, into: &out) }
        return out
    }

    mutating func translateEnd() -> [UInt8] {
        var out: [UInt8] = []
        for event in parser.finish() { handle(event, into: &out) }
        end(into: &out)
        return out
    }

    /// The error event `write` makes, once: nothing if the stream already ended.
    mutating func failOnce(_ write: (inout [UInt8]) -> Void) -> [UInt8] {
        guard !ended else { return [] }
        ended = true
        var out: [UInt8] = []
        write(&out)
        return out
    }
}
