import Testing
@testable import TriageServer

@Suite("Holding back a stream's end until its log line is written")
struct StreamTailTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("events go out as they come; from data: [DONE] on everything is held")
    func holdsFromDone() {
        var tail = StreamTail(api: .openAIChat)
        #expect(text(tail.release(Array("data: {\"a\":1}\n\n".utf8))) == "data: {\"a\":1}\n\n")
        #expect(text(tail.release(Array("data: {\"b\":2}\n\ndata: [DONE]\n\n".utf8))) == "data: {\"b\":2}\n\n")
        #expect(tail.release(Array("more".utf8)).isEmpty)
        #expect(text(tail.held) == "data: [DONE]\n\nmore")
    }

    @Test("a terminal event split across two chunks is held from the chunk where it ends")
    func splitMarker() {
        var tail = StreamTail(api: .openAIChat)
        #expect(text(tail.release(Array("data: {}\n\ndata: [DO".utf8))) == "data: {}\n\ndata: [DO")
        #expect(tail.release(Array("NE]\n\n".utf8)).isEmpty)
        #expect(text(tail.held) == "NE]\n\n")
    }

    @Test("Anthropic clients: held from event: message_stop")
    func anthropic() {
        var tail = StreamTail(api: .anthropicMessages)
        let out = tail.release(Array("event: message_delta\ndata: {}\n\nevent: message_stop\ndata: {}\n\n".utf8))
        #expect(text(out) == "event: message_delta\ndata: {}\n\n")
        tail.hold(Array("x".utf8))
        #expect(text(tail.held) == "event: message_stop\ndata: {}\n\nx")
    }
}
