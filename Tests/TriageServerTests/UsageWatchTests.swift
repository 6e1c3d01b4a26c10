import Testing
import TriageAnthropic
import TriageJSON

@testable import TriageServer

@Suite("Usage for every client: an estimate when the backend's stream reports none")
struct UsageWatchTests {
    private static let estimate = UsageEstimate(promptTokens: 7) { ($0.utf8.count + 3) / 4 }
    private static let content = #"data: {"id":"c","choices":[{"index":0,"delta":{"content":"twelve bytes"},"finish_reason":"stop"}]}"# + "\n\n"

    @Test("a passed-through stream without usage gets an estimated usage chunk before [DONE], at any split")
    func injectsBeforeDone() throws {
        let input = Array((Self.content + "data: [DONE]\n\n").utf8)
        for size in [1, 5, input.count] {
            var relay = StreamRelay(api: .openAIChat, backendIsAnthropic: false, model: "m", id: "tr-1", includeUsage: true, estimate: Self.estimate)
            var out: [UInt8] = []
            var index = 0
            while index < input.count {
                out += relay.feed(Array(input[index..<min(index + size, input.count)]))
                index += size
            }
            out += relay.finish()
            let text = String(decoding: out, as: UTF8.self)
            #expect(text.hasPrefix(Self.content))
            #expect(text.hasSuffix("data: [DONE]\n\n"))
            let usageLine = try #require(text.split(separator: "\n").first { $0.contains("\"usage\"") })
            let chunk = try JSONParser.parse(Array(usageLine.dropFirst(6).utf8))
            #expect(chunk["usage"]?["prompt_tokens"] == .number(7))
            #expect(chunk["usage"]?["completion_tokens"] == .number(3))
            #expect(chunk["choices"] == .array([]))
            // The log keeps nothing reported: its usage will be marked estimated.
            #expect(relay.summary.promptTokens == nil)
        }
    }

    @Test("a stream that reports usage, or a client that did not ask, passes unchanged")
    func leavesReportedUsageAlone() {
        let reported = Self.content + #"data: {"id":"c","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"# + "\n\ndata: [DONE]\n\n"
        var relay = StreamRelay(api: .openAIChat, backendIsAnthropic: false, model: "m", id: "tr-1", includeUsage: true, estimate: Self.estimate)
        #expect(relay.feed(Array(reported.utf8)) + relay.finish() == Array(reported.utf8))
        let plain = Self.content + "data: [DONE]\n\n"
        var notAsked = StreamRelay(api: .openAIChat, backendIsAnthropic: false, model: "m", id: "tr-1", includeUsage: false, estimate: Self.estimate)
        #expect(notAsked.feed(Array(plain.utf8)) + notAsked.finish() == Array(plain.utf8))
    }
}
