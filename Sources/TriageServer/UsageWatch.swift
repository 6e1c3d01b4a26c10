import Foundation
import TriageAnthropic
import TriageJSON

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
    mutating func before(_ event: ArraySlice<UInt8>, answer: [UInt8]) -> [UInt8] {
        guard !sawUsage else { return [] }
        if event.starts(with: Self.done) || event.starts(with: Self.doneNoSpace) {
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
            return Array("data: ".utf8) + chunk.jsonBytes + Array("\n\n".utf8)
        }
        if Self.mentionsUsage(event), let payload = Self.payload(event), case .object? = payload["usage"] {
            sawUsage = true
        }
        return []
    }

    private static let done = Array("data: [DONE]".utf8)
    private static let doneNoSpace = Array("data:[DONE]".utf8)
    private static let usageKey = Array("\"usage\"".utf8)

    private static func mentionsUsage(_ event: ArraySlice<UInt8>) -> Bool {
        guard event.count >= usageKey.count else { return false }
        var index = event.startIndex
        while index <= event.endIndex - usageKey.count {
            if event[index..<(index + usageKey.count)].elementsEqual(usageKey) { return true }
            index += 1
        }
        return false
    }

    private static func payload(_ event: ArraySlice<UInt8>) -> JSONValue? {
        var parser = SSEParser()
        let events = parser.feed(Array(event)) + parser.finish()
        guard let data = events.first?.data else { return nil }
        return try? JSONParser.parse(Array(data.utf8))
    }
}
