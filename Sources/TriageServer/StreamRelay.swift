import Foundation
import TriageAnthropic

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
        case anthropicToOpenAI(AnthropicToOpenAIStream)
        case openAIToAnthropic(OpenAIToAnthropicStream)
    }

    private var mode: Mode
    private var collected: [UInt8] = []

    /// A relay from a backend of `backendIsAnthropic` to a client of `api`.
    init(api: ClientAPI, backendIsAnthropic: Bool, model: String, id: String, includeUsage: Bool) {
        switch (api.usesAnthropicErrors, backendIsAnthropic) {
        case (false, false): mode = .passthroughOpenAI
        case (true, true): mode = .passthroughAnthropic
        case (false, true): mode = .anthropicToOpenAI(AnthropicToOpenAIStream(model: model, id: id, includeUsage: includeUsage))
        case (true, false): mode = .openAIToAnthropic(OpenAIToAnthropicStream(model: model, id: id))
        }
    }

    /// The bytes to send the client for `bytes` from the backend (possibly none yet).
    mutating func feed(_ bytes: [UInt8]) -> [UInt8] {
        switch mode {
        case .passthroughOpenAI, .passthroughAnthropic:
            collected.append(contentsOf: bytes)
            return bytes
        case .anthropicToOpenAI(var stream):
            let out = stream.feed(bytes)
            mode = .anthropicToOpenAI(stream)
            return out
        case .openAIToAnthropic(var stream):
            let out = stream.feed(bytes)
            mode = .openAIToAnthropic(stream)
            return out
        }
    }

    /// The bytes that end a translated stream the backend ended without its proper end.
    mutating func finish() -> [UInt8] {
        switch mode {
        case .passthroughOpenAI, .passthroughAnthropic:
            return []
        case .anthropicToOpenAI(var stream):
            let out = stream.finish()
            mode = .anthropicToOpenAI(stream)
            return out
        case .openAIToAnthropic(var stream):
            let out = stream.finish()
            mode = .openAIToAnthropic(stream)
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
        case .anthropicToOpenAI(var stream):
            let out = stream.fail(status: Int(error.status.code), message: error.message)
            mode = .anthropicToOpenAI(stream)
            return out
        case .openAIToAnthropic(var stream):
            let out = stream.fail(status: Int(error.status.code), message: error.message)
            mode = .openAIToAnthropic(stream)
            return out
        }
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
        case .anthropicToOpenAI(let stream):
            return ChatResponseSummary(text: stream.text, finishReason: stream.finishReason, promptTokens: stream.inputTokens, completionTokens: stream.outputTokens)
        case .openAIToAnthropic(let stream):
            return ChatResponseSummary(text: stream.text, finishReason: stream.finishReason, promptTokens: stream.inputTokens, completionTokens: stream.outputTokens)
        }
    }
}
