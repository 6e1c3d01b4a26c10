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
            if let chunk = data.withUTF8({ try? JSONParser.parse($0, keeping: Self.fields) }) {
                absorb(chunk, streamed: true)
            }
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
            if case .number(let prompt)? = usage["prompt_tokens"] { promptTokens = Int(prompt) }
            if case .number(let completionTokens)? = usage["completion_tokens"] { self.completionTokens = Int(completionTokens) }
        }
    }

    /// The only members `absorb` reads: the rest of an answer (ids, roles, logprobs, tool
    /// calls...) is skipped by the parser instead of built and thrown away.
    static let fields = JSONKeyFilter([
        "choices", "delta", "message", "content", "text", "finish_reason", "usage", "prompt_tokens", "completion_tokens",
    ])
}
