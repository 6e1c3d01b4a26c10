import Testing
import TriageSSE

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

    @Test("frames keep their bytes as they came, at any split, whatever the line endings")
    func framesKeepTheirBytes() {
        let frames = [": keep-alive\n\n", "event: a\r\ndata: 1\r\n\r\n", "data: 2\rdata: 3\r\r", "data: [DONE]\n\n"]
        let input = Array(frames.joined().utf8) + Array("data: {\"partial\":".utf8)
        for size in [1, 3, input.count] {
            var parser = SSEParser()
            var got: [SSEFrame] = []
            var index = 0
            while index < input.count {
                got += parser.feedFrames(Array(input[index..<min(index + size, input.count)]))
                index += size
            }
            #expect(got.map { String(decoding: $0.bytes, as: UTF8.self) } == frames)
            #expect(got.map(\.event) == [nil, SSEEvent(name: "a", data: "1"), SSEEvent(name: nil, data: "2\n3"), SSEEvent(name: nil, data: "[DONE]")])
            // The unterminated rest comes back at the end, as it came.
            #expect(String(decoding: parser.finishFrames(), as: UTF8.self) == "data: {\"partial\":")
        }
    }

    @Test("an event is written with one data line per line of its data")
    func writing() {
        #expect(String(decoding: SSEEvent.bytes(name: "e", data: Array("a\nb".utf8)), as: UTF8.self) == "event: e\ndata: a\ndata: b\n\n")
        var parser = SSEParser()
        #expect(parser.feed(SSEEvent.bytes(name: nil, data: Array("x".utf8))) == [SSEEvent(name: nil, data: "x")])
    }
}
