import Testing
@testable import TriageServer

/// The order of answers on one connection, without sockets: ``ProxyFrontState`` alone.
@Suite("ProxyFront: the connection's state machine")
struct ProxyFrontStateTests {
    typealias State = ProxyFrontState<String, String>

    /// The actions as short text, to compare whole sequences.
    static func text(_ actions: [State.Action]) -> [String] {
        actions.map { action in
            switch action {
            case .forward(.head(let head, _)): "forward head \(head)"
            case .forward(.body(let body)): "forward body \(body)"
            case .forward(.end): "forward end"
            case .forward(.inputClosed): "forward inputClosed"
            case .forward(.parseError): "forward parseError"
            case .startFront(let head): "start \(head)"
            case .frontBody(let body): "body \(body)"
            case .frontEnd: "end"
            case .frontBodyFailed(let error): error == nil ? "failed: input closed" : "failed: parse error"
            case .close: "close"
            }
        }
    }

    struct ParseError: Error {}

    @Test("a pipelined front request is held until the answer before it ends, then goes on in order")
    func pipelinedFrontRequests() {
        var state = State()
        #expect(Self.text(state.received(.head("A", front: true))) == ["start A"])
        #expect(Self.text(state.received(.body("a1"))) == ["body a1"])
        #expect(Self.text(state.received(.end)) == ["end"])
        #expect(state.received(.head("B", front: true)).isEmpty)
        #expect(state.received(.body("b1")).isEmpty)
        #expect(state.received(.end).isEmpty)
        #expect(Self.text(state.answerEnded(front: true)) == ["start B", "body b1", "end"])
        #expect(state.answerEnded(front: true).isEmpty)
        #expect(!state.frontAnswering)
    }

    @Test("mixed: a request for Hummingbird waits for the front's answer, and the front's for Hummingbird's `.end`")
    func mixedPaths() {
        var state = State()
        #expect(Self.text(state.received(.head("A", front: true))) == ["start A"])
        #expect(Self.text(state.received(.end)) == ["end"])
        #expect(state.received(.head("G", front: false)).isEmpty)
        #expect(state.received(.end).isEmpty)
        #expect(state.received(.head("C", front: true)).isEmpty)
        #expect(state.received(.end).isEmpty)
        // The front answered A: G goes to Hummingbird, C waits for Hummingbird's answer.
        #expect(Self.text(state.answerEnded(front: true)) == ["forward head G", "forward end"])
        // An `.end` of the front's does not count for Hummingbird, nor the other way round.
        #expect(state.answerEnded(front: true).isEmpty)
        #expect(Self.text(state.answerEnded(front: false)) == ["start C", "end"])
        #expect(state.frontAnswering)
    }

    @Test("a request body still arriving after its early answer (413) belongs to that request, not the next")
    func bodyAfterEarlyAnswer() {
        var state = State()
        #expect(Self.text(state.received(.head("A", front: true))) == ["start A"])
        #expect(state.answerEnded(front: true).isEmpty)
        #expect(Self.text(state.received(.body("rest"))) == ["body rest"])
        #expect(Self.text(state.received(.end)) == ["end"])
        #expect(Self.text(state.received(.head("B", front: false))) == ["forward head B"])
    }

    @Test("`connection: close` (or an error that closes): the connection closes after the answer; held requests are dropped")
    func closeAfterAnswer() {
        var state = State()
        _ = state.received(.head("A", front: true))
        _ = state.received(.end)
        #expect(state.received(.head("B", front: true)).isEmpty)
        #expect(Self.text(state.answerEnded(front: true, close: true)) == ["close"])
        #expect(state.received(.end).isEmpty)
    }

    @Test("the client closes its input mid-body: the front's request fails and the connection closes after its answer")
    func inputClosedMidBody() {
        var state = State()
        _ = state.received(.head("A", front: true))
        _ = state.received(.body("a1"))
        #expect(Self.text(state.received(.inputClosed)) == ["failed: input closed"])
        #expect(state.closeAfterAnswer)
        #expect(Self.text(state.answerEnded(front: true)) == ["close"])
    }

    @Test("half-closed input after a whole request: held while the front answers, then handed to Hummingbird")
    func inputClosedWhileAnswering() {
        var state = State()
        _ = state.received(.head("A", front: true))
        _ = state.received(.end)
        #expect(state.received(.inputClosed).isEmpty)
        #expect(Self.text(state.answerEnded(front: true)) == ["forward inputClosed"])
        // Between requests it goes on at once.
        var idle = State()
        #expect(Self.text(idle.received(.inputClosed)) == ["forward inputClosed"])
    }

    @Test("a parse error: in the front's body it fails the request; otherwise Hummingbird answers it, in turn")
    func parseError() {
        var state = State()
        _ = state.received(.head("A", front: true))
        #expect(Self.text(state.received(.parseError(ParseError()))) == ["failed: parse error"])
        #expect(Self.text(state.answerEnded(front: true)) == ["close"])
        var passing = State()
        _ = passing.received(.head("G", front: false))
        #expect(Self.text(passing.received(.parseError(ParseError()))) == ["forward parseError"])
        var waiting = State()
        _ = waiting.received(.head("A", front: true))
        _ = waiting.received(.end)
        #expect(waiting.received(.parseError(ParseError())).isEmpty)
        #expect(Self.text(waiting.answerEnded(front: true)) == ["forward parseError"])
    }

    @Test("graceful shutdown: kept while the front answers (then close); passed to Hummingbird otherwise")
    func quiesce() {
        var state = State()
        _ = state.received(.head("A", front: true))
        _ = state.received(.end)
        _ = state.received(.head("B", front: true))
        let passes = state.quiesce()
        #expect(!passes)
        #expect(Self.text(state.answerEnded(front: true)) == ["close"])
        var idle = State()
        let idlePasses = idle.quiesce()
        #expect(idlePasses)
        var passing = State()
        _ = passing.received(.head("G", front: false))
        let passingPasses = passing.quiesce()
        #expect(passingPasses)
        // Hummingbird closes after its answer; nothing held starts.
        #expect(passing.received(.head("B", front: true)).isEmpty)
        #expect(passing.answerEnded(front: false).isEmpty)
    }

    @Test("reading pauses while many items are held, and resumes once they go on")
    func readPause() {
        var state = State()
        _ = state.received(.head("A", front: true))
        _ = state.received(.end)
        for index in 0..<State.readPauseThreshold {
            _ = state.received(.head("P\(index)", front: false))
        }
        #expect(state.pausesReading)
        #expect(Self.text(state.answerEnded(front: true)) == ["forward head P0"])
        #expect(!state.pausesReading)
    }

    @Test("after the connection closed nothing goes on")
    func closed() {
        var state = State()
        _ = state.received(.head("A", front: true))
        state.closedByPeer()
        #expect(state.received(.body("x")).isEmpty)
        #expect(state.answerEnded(front: true).isEmpty)
    }
}
