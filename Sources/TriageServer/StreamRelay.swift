import Foundation
import TriageAnthropic
import TriageJSON
import TriageSSE
import TriageResponses

/// Turns a backend's SSE bytes into the client's SSE bytes as they arrive, and keeps what the
/// routing log needs of the answer.
///
/// When client and backend speak the same API the bytes pass through untouched (and are
/// parsed for the log only once the stream has ended); otherwise each piece is translated
/// as soon as it arrives.
struct StreamRelay: Sendable {
    private enum Mode: Sendable {
        case passthroughOpenAI
        case passthroughAnthropic
        /// A Responses request passed through to a backend that speaks the Responses API.
        case passthroughResponses
        /// Client and backend speak different APIs: each piece is translated as it arrives.
        case translating(any StreamTranslator)
    }

    private var mode: Mode
    private var collected: [UInt8] = []
    /// Remove the usage-only chunk (`choices: []` with `usage`) that Triage asked the backend for
    /// on the client's behalf (`stream_usage`); the client did not ask for it.
    private let stripUsageChunk: Bool
    /// Frames the events while stripping or watching for usage (it holds an event not complete yet).
    private var framer = SSEParser()
    /// The client asked for a usage chunk (`stream_options.include_usage`) and the backend's
    /// stream passes through: if the backend sends none, one with ``estimate`` goes before `[DONE]`.
    private var usageWatch: UsageWatch?

    /// A relay from a backend of `backendIsAnthropic` to a client of `api`.
    /// - Parameter estimate: the counts for the client's final usage event when the backend reports none.
    init(
        api: ClientAPI, backendIsAnthropic: Bool, model: String, id: String, includeUsage: Bool, stripUsageChunk: Bool = false,
        estimate: UsageEstimate? = nil, responsesRequest: [String: JSONValue] = [:], backendSpeaksResponses: Bool = false
    ) {
        self.stripUsageChunk = stripUsageChunk && !api.usesAnthropicErrors && !backendIsAnthropic && api != .openAIResponses
        if api == .openAIResponses {
            if backendSpeaksResponses {
                mode = .passthroughResponses
            } else {
                var stream = ResponsesStream(request: responsesRequest, id: id, fromAnthropic: backendIsAnthropic)
                stream.usageEstimate = estimate
                mode = .translating(stream)
            }
            return
        }
        switch (api.usesAnthropicErrors, backendIsAnthropic) {
        case (false, false):
            mode = .passthroughOpenAI
            if includeUsage, let estimate { usageWatch = UsageWatch(estimate: estimate, model: model, id: id) }
        case (true, true): mode = .passthroughAnthropic
        case (false, true):
            var stream = AnthropicToOpenAIStream(model: model, id: id, includeUsage: includeUsage)
            stream.usageEstimate = estimate
            mode = .translating(stream)
        case (true, false):
            var stream = OpenAIToAnthropicStream(model: model, id: id)
            stream.usageEstimate = estimate
            mode = .translating(stream)
        }
    }

    /// Whether the backend's OpenAI chunks pass through as they are: then ``StreamAnswerCheck``
    /// can summarise them for the log while it checks them (``summary`` is the fallback).
    var passesOpenAIChunksThrough: Bool {
        if case .passthroughOpenAI = mode { return true }
        return false
    }

    /// The bytes to send the client for `bytes` from the backend (possibly none yet).
    mutating func feed(_ bytes: [UInt8]) -> [UInt8] {
        switch mode {
        case .passthroughOpenAI where stripUsageChunk || usageWatch != nil:
            collected.append(contentsOf: bytes)
            return filteredEvents(bytes)
        case .passthroughOpenAI, .passthroughAnthropic, .passthroughResponses:
            collected.append(contentsOf: bytes)
            return bytes
        case .translating(var stream):
            let out = stream.feed(bytes)
            mode = .translating(stream)
            return out
        }
    }

    /// The bytes that end a translated stream the backend ended without its proper end.
    mutating func finish() -> [UInt8] {
        switch mode {
        case .passthroughOpenAI, .passthroughAnthropic, .passthroughResponses:
            // An unterminated last event is relayed as it came.
            return framer.finishFrames()
        case .translating(var stream):
            let out = stream.finish()
            mode = .translating(stream)
            return out
        }
    }

    /// The error event that ends the stream when the backend fails mid-way, in the client's format.
    mutating func fail(_ error: APIError) -> [UInt8] {
        switch mode {
        case .passthroughOpenAI:
            return SSEEvent.bytes(name: nil, data: error.body)
        case .passthroughAnthropic:
            return SSEEvent.bytes(name: "error", data: error.anthropicBody)
        case .passthroughResponses:
            return SSEEvent.bytes(name: "error", data: error.body)
        case .translating(var stream):
            let out = stream.fail(status: Int(error.status.code), message: error.message)
            mode = .translating(stream)
            return out
        }
    }

    /// The complete events of `bytes` (with any partial event before them), minus usage-only
    /// chunks when stripping, plus an estimated usage chunk before `[DONE]` when watching and
    /// the backend sent none; an incomplete last event waits for the rest. Events pass as
    /// they came (their bytes, comments and line endings untouched).
    private mutating func filteredEvents(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for frame in framer.feedFrames(bytes) {
            if var watch = usageWatch {
                out.append(contentsOf: watch.before(frame.event, answer: collected))
                usageWatch = watch
            }
            if !(stripUsageChunk && Self.isUsageOnlyChunk(frame.event)) { out.append(contentsOf: frame.bytes) }
        }
        return out
    }

    /// Whether an SSE event is OpenAI's usage-only chunk: `data: {..., "choices": [], "usage": {...}}`.
    static func isUsageOnlyChunk(_ event: SSEEvent?) -> Bool {
        // Cheap test first: only an event with an empty array somewhere is parsed.
        guard var data = event?.data, data.utf8.first == UInt8(ascii: "{"), data.withUTF8(containsEmptyArray) else { return false }
        guard let chunk = try? JSONParser.parse(Array(data.utf8)),
              case .array(let choices)? = chunk["choices"], choices.isEmpty,
              case .object? = chunk["usage"] else { return false }
        return true
    }

    /// Whether the bytes hold `[` and `]` with only spaces or tabs between them.
    private static func containsEmptyArray(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var open = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "["): open = true
            case UInt8(ascii: "]") where open: return true
            case UInt8(ascii: " "), UInt8(ascii: "\t"): break
            default: open = false
            }
        }
        return false
    }

    /// What the log keeps of the answer so far.
    var summary: ChatResponseSummary {
        switch mode {
        case .passthroughOpenAI:
            return ChatResponseSummary(sseBytes: collected)
        case .passthroughAnthropic:
            var stream = AnthropicToOpenAIStream(model: "", id: "")
            _ = stream.feed(collected)
            return ChatResponseSummary(text: stream.text, finishReason: stream.finishReason, promptTokens: stream.inputTokens, completionTokens: stream.outputTokens)
        case .passthroughResponses:
            let summary = ResponsesTranslator.summary(ofStream: collected)
            return ChatResponseSummary(text: summary.text, finishReason: summary.finishReason, promptTokens: summary.input, completionTokens: summary.output)
        case .translating(let stream):
            return ChatResponseSummary(text: stream.text, finishReason: stream.finishReason, promptTokens: stream.inputTokens, completionTokens: stream.outputTokens)
        }
    }
}
