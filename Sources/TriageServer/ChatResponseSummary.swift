import Foundation

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

    private struct Usage: Decodable {
        var prompt_tokens: Int?
        var completion_tokens: Int?
    }

    private struct Completion: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { var content: String? }
            var message: Message?
            var delta: Message?
            var text: String?
            var finish_reason: String?
        }
        var choices: [Choice]?
        var usage: Usage?
    }

    init() {}

    init(text: String, finishReason: String?, promptTokens: Int?, completionTokens: Int?) {
        self.text = text
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// Summarises a non-streamed `chat.completion` body. Unparseable bodies give an empty summary.
    init(completionBody bytes: [UInt8]) {
        guard let completion = try? JSONDecoder().decode(Completion.self, from: Data(bytes)) else { return }
        absorb(completion, streamed: false)
    }

    /// Summarises the raw bytes of an SSE stream of `chat.completion.chunk` events.
    init(sseBytes bytes: [UInt8]) {
        let decoder = JSONDecoder()
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            var line = bytes[lineStart..<lineEnd]
            lineStart = lineEnd + 1
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard line.starts(with: Self.dataPrefix) else { continue }
            var payload = line.dropFirst(Self.dataPrefix.count)
            if payload.first == UInt8(ascii: " ") { payload = payload.dropFirst() }
            if payload.elementsEqual(Self.done) { continue }
            if let chunk = try? decoder.decode(Completion.self, from: Data(payload)) {
                absorb(chunk, streamed: true)
            }
        }
    }

    private mutating func absorb(_ completion: Completion, streamed: Bool) {
        if let choice = completion.choices?.first {
            let piece = streamed ? choice.delta?.content : choice.message?.content
            if let piece = piece ?? choice.text { text += piece }
            if let reason = choice.finish_reason { finishReason = reason }
        }
        if let usage = completion.usage {
            promptTokens = usage.prompt_tokens ?? promptTokens
            completionTokens = usage.completion_tokens ?? completionTokens
        }
    }

    private static let dataPrefix = Array("data:".utf8)
    private static let done = Array("[DONE]".utf8)
}
