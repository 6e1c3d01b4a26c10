import Testing
import TriageSSE

@testable import TriageServer

@Suite("Stream relay: removing the usage chunk Triage asked for")
struct StreamRelayTests {
    private static let content1 = #"data: {"id":"c","choices":[{"index":0,"delta":{"content":"a [] b"},"finish_reason":null}],"usage":null}"#
    private static let content2 = #"data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}"#
    private static let usage = #"data: {"id":"c","choices": [ ],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#

    private func stream(separator: String) -> String {
        [Self.content1, Self.content2, Self.usage, "data: [DONE]"].map { $0 + separator }.joined()
    }

    @Test("the usage-only chunk is removed wherever the bytes are split; everything else passes unchanged", arguments: ["\n\n", "\r\n\r\n"])
    func stripsAtAnySplit(separator: String) {
        let input = Array(stream(separator: separator).utf8)
        let expected = Array(([Self.content1, Self.content2, "data: [DONE]"].map { $0 + separator }.joined()).utf8)
        for size in [1, 2, 3, 7, 16, 64, input.count] {
            var relay = StreamRelay(api: .openAIChat, backendIsAnthropic: false, model: "m", id: "tr-1", includeUsage: false, stripUsageChunk: true)
            var output: [UInt8] = []
            var index = 0
            while index < input.count {
                output += relay.feed(Array(input[index..<min(index + size, input.count)]))
                index += size
            }
            output += relay.finish()
            #expect(output == expected, "split every \(size) bytes")
            // The log still sees the backend's counts.
            #expect(relay.summary.promptTokens == 3)
            #expect(relay.summary.completionTokens == 2)
        }
    }

    @Test("without stripping the stream passes byte for byte, and an unterminated last event is not held back")
    func passthrough() {
        let input = Array((stream(separator: "\n\n") + "data: {\"partial\":").utf8)
        var relay = StreamRelay(api: .openAIChat, backendIsAnthropic: false, model: "m", id: "tr-1", includeUsage: true)
        #expect(relay.feed(input) == input)
        #expect(relay.finish().isEmpty)

        var stripping = StreamRelay(api: .openAIChat, backendIsAnthropic: false, model: "m", id: "tr-1", includeUsage: false, stripUsageChunk: true)
        let out = stripping.feed(input) + stripping.finish()
        #expect(String(decoding: out, as: UTF8.self).hasSuffix("data: [DONE]\n\ndata: {\"partial\":"))
    }

    private static func event(_ text: String.UTF8View) -> SSEEvent? {
        var parser = SSEParser()
        return (parser.feed(Array(text)) + parser.finish()).first
    }

    @Test("only a chunk with empty choices and a usage object is taken for the usage chunk")
    func recognition() {
        #expect(StreamRelay.isUsageOnlyChunk(Self.event(Self.usage.utf8)))
        #expect(!StreamRelay.isUsageOnlyChunk(Self.event(Self.content1.utf8)))
        #expect(!StreamRelay.isUsageOnlyChunk(Self.event(#"data: {"choices":[],"usage":null}"#.utf8)))
        #expect(!StreamRelay.isUsageOnlyChunk(Self.event("data: [DONE]".utf8)))
        #expect(!StreamRelay.isUsageOnlyChunk(Self.event(": comment []".utf8)))
    }
}
