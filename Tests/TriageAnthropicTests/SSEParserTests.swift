import Testing
@testable import TriageAnthropic

@Suite("SSE parser")
struct SSEParserTests {
    private func parse(_ text: String, byteByByte: Bool = false) -> [SSEEvent] {
        var parser = SSEParser()
        var events: [SSEEvent] = []
        if byteByByte {
            for byte in Array(text.utf8) { events += parser.feed([byte]) }
        } else {
            events += parser.feed(Array(text.utf8))
        }
        return events + parser.finish()
    }

    @Test func lineEndingsCommentsAndFields() {
        let text = ": comment\nevent: a\ndata: 1\n\r\nevent:b\rdata:2\rdata:  3\r\rid: 7\nretry: 100\ndata\n\nevent: no-data\n\n"
        let expected = [
            SSEEvent(name: "a", data: "1"),
            SSEEvent(name: "b", data: "2\n 3"),
            SSEEvent(name: nil, data: ""),
        ]
        #expect(parse(text) == expected)
        #expect(parse(text, byteByByte: true) == expected)
    }

    @Test func multiByteCharactersSplitAcrossFeeds() {
        let bytes = Array("data: é👋\n\n".utf8)
        var parser = SSEParser()
        var events: [SSEEvent] = []
        for index in bytes.indices { events += parser.feed([bytes[index]]) }
        #expect(events == [SSEEvent(name: nil, data: "é👋")])
    }

    @Test func finishDeliversAnUnterminatedLastEvent() {
        var parser = SSEParser()
        #expect(parser.feed(Array("event: x\ndata: tail".utf8)).isEmpty)
        #expect(parser.finish() == [SSEEvent(name: "x", data: "tail")])
        #expect(parser.finish().isEmpty)
    }
}
