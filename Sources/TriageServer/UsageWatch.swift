import Foundation
import TriageAnthropic
import TriageJSON
import TriageSSE

/// Watches a passed-through OpenAI stream whose client asked for usage: when `data: [DONE]`
/// comes and no event carried `usage`, an estimated usage chunk is sent before it, so the
/// client's usage is never missing. The routing log still marks that usage as estimated (it
/// reads the backend's own bytes).
struct UsageWatch: Sendable {
    let estimate: UsageEstimate
    let model: String
    let id: String
    private var sawUsage = false

    init(estimate: UsageEstimate, model: String, id: String) {
        self.estimate = estimate
        self.model = model
        self.id = id
    }

    /// What goes before `event`: nothing, or the estimated usage chunk when `event` is
    /// `[DONE]` and no usage came. `answer` is the backend's bytes so far.
    mutating func before(_ event: SSEEvent?, answer: [UInt8]) -> [UInt8] {
        guard !sawUsage, let event else { return [] }
        if event.data == "[DONE]" {
            sawUsage = true
            let text = ChatResponseSummary(sseBytes: answer).text
            let prompt = estimate.promptTokens
            let completion = text.isEmpty ? 0 : estimate.completionTokens(text)
            let chunk: JSONValue = .object([
                "id": .string("chatcmpl-\(id)"), "object": .string("chat.completion.chunk"), "created": .number(Date().timeIntervalSince1970.rounded(.down)),
                "model": .string(model), "choices": .array([]),
                "usage": .object([
                    "prompt_tokens": .number(Double(prompt)), "completion_tokens": .number(Double(completion)),
                    "total_tokens": .number(Double(prompt + completion)),
                ]),
            ])
            return SSEEvent.bytes(name: nil, data: chunk.jsonBytes)
        }
        if event.data.contains("\"usage\""), let payload = try? JSONParser.parse(Array(event.data.utf8)), case .object? = payload["usage"] {
            sawUsage = true
        }
        return []
    }
}
