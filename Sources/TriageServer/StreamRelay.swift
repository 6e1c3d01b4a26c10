import Foundation
import TriageAnthropic
import TriageJSON
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
    /// Bytes of an event not complete yet, while stripping or watching for usage.
    private var partialEvent: [UInt8] = []
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
            defer { partialEvent.removeAll() }
            return partialEvent
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
            return Array("data: ".utf8) + error.body + Array("\n\n".utf8)
        case .passthroughAnthropic:
            return Array("event: error\ndata: ".utf8) + error.anthropicBody + Array("\n\n".utf8)
        case .passthroughResponses:
            return Array("event: error\ndata: ".utf8) + error.body + Array("\n\n".utf8)
        case .translating(var stream):
            let out = stream.fail(status: Int(error.status.code), message: error.message)
            mode = .translating(stream)
            return out
        }
    }

    /// The complete events of `bytes` (with any partial event before them), minus usage-only
    /// chunks when stripping, plus an estimated usage chunk before `[DONE]` when watching and
    /// the backend sent none; an incomplete last event waits for the rest.
    private mutating func filteredEvents(_ bytes: [UInt8]) -> [UInt8] {
        partialEvent.append(contentsOf: bytes)
        var out: [UInt8] = []
        var eventStart = 0
        var index = 0
        let buffer = partialEvent
        while index < buffer.count {
            // An event ends at a blank line: "\n\n" or "\r\n\r\n".
            guard buffer[index] == UInt8(ascii: "\n") else {
                index += 1
                continue
            }
            var end = -1
            if index + 1 < buffer.count, buffer[index + 1] == UInt8(ascii: "\n") {
                end = index + 2
            } else if index + 2 < buffer.count, buffer[index + 1] == UInt8(ascii: "\r"), buffer[index + 2] == UInt8(ascii: "\n") {
                end = index + 3
            }
            guard end > 0 else {
                index += 1
                continue
            }
            let event = buffer[eventStart..<end]
            if var watch = usageWatch {
                out.append(contentsOf: watch.before(event, answer: collected))
                usageWatch = watch
            }
            if !(stripUsageChunk && Self.isUsageOnlyChunk(event)) { out.append(contentsOf: event) }
            eventStart = end
            index = end
        }
        partialEvent = Array(buffer[eventStart...])
        return out
    }

    /// Whether an SSE event is OpenAI's usage-only chunk: `data: {..., "choices": [], "usage": {...}}`.
    static func isUsageOnlyChunk(_ event: ArraySlice<UInt8>) -> Bool {
        // Cheap test first: only an event with an empty array somewhere is parsed.
        guard containsEmptyArray(event) else { return false }
        var parser = SSEParser()
        let events = parser.feed(Array(event)) + parser.finish()
        guard events.count == 1, let payload = events.first.map({ Array($0.data.utf8) }),
              payload.first == UInt8(ascii: "{"), let chunk = try? JSONParser.parse(payload),
              case .array(let choices)? = chunk["choices"], choices.isEmpty,
              case .object? = chunk["usage"] else { return false }
        return true
    }

    /// Whether the bytes hold `[` and `]` with only whitespace between them.
    private static func containsEmptyArray(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        while let open = bytes[index...].firstIndex(of: UInt8(ascii: "[")) {
            var next = open + 1
            while next < bytes.endIndex, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") { next += 1 }
            if next < bytes.endIndex, bytes[next] == UInt8(ascii: "]") { return true }
            index = open + 1
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
