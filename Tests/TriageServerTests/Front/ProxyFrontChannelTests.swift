import NIOCore
import NIOEmbedded
import NIOHTTP1
import Synchronization
import Testing
@testable import TriageServer

/// The ``ProxyFront`` handler in a channel without sockets: what it answers itself, what it
/// passes on (as Hummingbird would get it), and in which order.
@Suite("ProxyFront: the handler in a channel")
struct ProxyFrontChannelTests {
    /// Answers each request with its body, once the test lets it (one `release()` each); a
    /// request that names `stream` answers in two pieces and reports whether the client went.
    final class GatedResponder: ProxyFrontResponder {
        let started: AsyncStream<ProxyFrontRequest>
        private let startedInput: AsyncStream<ProxyFrontRequest>.Continuation
        private let gate: AsyncStream<Void>
        private let gateInput: AsyncStream<Void>.Continuation
        let limit: Int

        init(limit: Int = 1000) {
            (started, startedInput) = AsyncStream.makeStream()
            (gate, gateInput) = AsyncStream.makeStream()
            self.limit = limit
        }

        func release() { gateInput.yield() }

        func check(_ head: HTTPRequestHead, api: ClientAPI) -> ProxyFrontCheck {
            .read(limit: limit, sendContinue: false)
        }

        func respond(_ request: ProxyFrontRequest, writer: ProxyFrontWriter) async {
            startedInput.yield(request)
            for await _ in gate { break }
            switch request.input {
            case .refused(let refusal):
                writer.whole(status: Int(refusal.error.status.code), headers: [], body: ByteBuffer())
            case .body(.failure(let error)):
                writer.whole(status: Int(error.status.code), headers: [], body: ByteBuffer(string: error.code?.rawValue ?? ""), close: error.closesConnection)
            case .body(.success(let bytes)):
                writer.whole(status: 200, headers: [("content-type", "text/plain")], body: ByteBuffer(bytes: bytes))
            }
        }
    }

    static func head(_ uri: String, method: HTTPMethod = .POST, close: Bool = false) -> HTTPServerRequestPart {
        var headers = HTTPHeaders()
        if close { headers.add(name: "connection", value: "close") }
        return .head(HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers))
    }

    static func channel(_ responder: GatedResponder) async throws -> NIOAsyncTestingChannel {
        let connections = ClientConnections()
        let channel = try await NIOAsyncTestingChannel { channel in
            try channel.pipeline.syncOperations.addHandlers([connections.makeHandler(), ProxyFront(responder: responder, connections: connections)])
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080))
        return channel
    }

    /// The next answer written: status and body text, after its head, body and end.
    static func answer(_ channel: NIOAsyncTestingChannel) async throws -> (status: Int, body: String) {
        guard case .head(let head) = try await channel.waitForOutboundWrite(as: HTTPServerResponsePart.self) else {
            Issue.record("no head first")
            return (0, "")
        }
        var body = ""
        while true {
            switch try await channel.waitForOutboundWrite(as: HTTPServerResponsePart.self) {
            case .body(.byteBuffer(let buffer)): body += String(buffer: buffer)
            case .body: break
            case .end: return (Int(head.status.code), body)
            case .head: Issue.record("a second head")
            }
        }
    }

    static func send(_ channel: NIOAsyncTestingChannel, _ parts: HTTPServerRequestPart...) async throws {
        for part in parts { try await channel.writeInbound(part) }
        // A request's task runs on the channel's loop; the testing loop runs what was queued from
        // itself only when told to.
        await channel.testingEventLoop.run()
    }

    @Test("pipelined requests to the proxy routes are answered one at a time, in order")
    func pipelined() async throws {
        let responder = GatedResponder()
        let channel = try await Self.channel(responder)
        try await Self.send(channel, Self.head("/v1/chat/completions"), .body(ByteBuffer(string: "first")), .end(nil))
        try await Self.send(channel, Self.head("/v1/messages?beta=1"), .body(ByteBuffer(string: "second")), .end(nil))
        var started = responder.started.makeAsyncIterator()
        let chat = await started.next()
        #expect(chat?.api == .openAIChat)
        responder.release()
        #expect(try await Self.answer(channel) == (200, "first"))
        let messages = await started.next()
        #expect(messages?.api == .anthropicMessages)
        responder.release()
        #expect(try await Self.answer(channel) == (200, "second"))
        // Nothing reached Hummingbird.
        #expect(try await channel.readInbound(as: HTTPServerRequestPart.self) == nil)
        _ = try await channel.finish(acceptAlreadyClosed: true)
    }

    @Test("other requests go to Hummingbird unchanged, in turn with the front's answers")
    func mixed() async throws {
        let responder = GatedResponder()
        let channel = try await Self.channel(responder)
        try await Self.send(channel, Self.head("/v1/chat/completions"), .end(nil))
        try await Self.send(channel, Self.head("/healthz", method: .GET), .end(nil))
        try await Self.send(channel, Self.head("/v1/embeddings"), .body(ByteBuffer(string: "third")), .end(nil))
        var started = responder.started.makeAsyncIterator()
        let chat = await started.next()
        #expect(chat?.api == .openAIChat)
        // The GET waits while the front answers.
        #expect(try await channel.readInbound(as: HTTPServerRequestPart.self) == nil)
        responder.release()
        #expect(try await Self.answer(channel) == (200, ""))
        guard case .head(let passed) = try await channel.waitForInboundWrite(as: HTTPServerRequestPart.self) else {
            Issue.record("the GET was not passed on")
            return
        }
        #expect(passed.uri == "/healthz" && passed.method == .GET)
        #expect(try await channel.waitForInboundWrite(as: HTTPServerRequestPart.self) == .end(nil))
        // Hummingbird answers the GET; only its end lets the next front request start.
        try await channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        try await channel.writeOutbound(HTTPServerResponsePart.end(nil))
        #expect(try await channel.readOutbound(as: HTTPServerResponsePart.self) != nil)
        #expect(try await channel.readOutbound(as: HTTPServerResponsePart.self) == .end(nil))
        let embeddings = await started.next()
        #expect(embeddings?.api == .openAIEmbeddings)
        responder.release()
        #expect(try await Self.answer(channel) == (200, "third"))
        _ = try await channel.finish(acceptAlreadyClosed: true)
    }

    @Test("GET on a proxy path is Hummingbird's (its 405)")
    func getOnProxyPath() async throws {
        let channel = try await Self.channel(GatedResponder())
        try await Self.send(channel, Self.head("/v1/chat/completions", method: .GET), .end(nil))
        #expect(try await channel.readInbound(as: HTTPServerRequestPart.self) != nil)
        _ = try await channel.finish(acceptAlreadyClosed: true)
    }

    @Test("`connection: close`: the connection closes after the answer")
    func connectionClose() async throws {
        let responder = GatedResponder()
        let channel = try await Self.channel(responder)
        try await Self.send(channel, Self.head("/v1/chat/completions", close: true), .end(nil))
        var started = responder.started.makeAsyncIterator()
        _ = await started.next()
        responder.release()
        #expect(try await Self.answer(channel) == (200, ""))
        try await channel.closeFuture.get()
    }

    @Test(
        "a body that does not complete: half-closed input (the hang-up fires) is 408 request_body_incomplete, bytes that are not HTTP framing 400 invalid_body_framing; then the connection closes",
        arguments: [false, true])
    func bodyCut(parseError: Bool) async throws {
        let responder = GatedResponder()
        let channel = try await Self.channel(responder)
        try await Self.send(channel, Self.head("/v1/chat/completions"), .body(ByteBuffer(string: "par")))
        if parseError {
            channel.pipeline.fireErrorCaught(HTTPParserError.invalidChunkSize)
        } else {
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }
        var started = responder.started.makeAsyncIterator()
        let request = await started.next()
        #expect(request?.hangUp?.isGone == !parseError)
        responder.release()
        let expected = parseError ? (400, "invalid_body_framing") : (408, "request_body_incomplete")
        #expect(try await Self.answer(channel) == expected)
        try await channel.closeFuture.get()
    }

    @Test("a body over the limit is refused (413) before it ends; its rest is dropped and the next request is served")
    func bodyOverLimit() async throws {
        let responder = GatedResponder(limit: 4)
        let channel = try await Self.channel(responder)
        try await Self.send(channel, Self.head("/v1/chat/completions"), .body(ByteBuffer(string: "too long")))
        var started = responder.started.makeAsyncIterator()
        _ = await started.next()
        responder.release()
        #expect(try await Self.answer(channel) == (413, "request_too_large"))
        try await Self.send(channel, .body(ByteBuffer(string: "more")), .end(nil))
        try await Self.send(channel, Self.head("/v1/chat/completions"), .body(ByteBuffer(string: "ok")), .end(nil))
        _ = await started.next()
        responder.release()
        #expect(try await Self.answer(channel) == (200, "ok"))
        _ = try await channel.finish(acceptAlreadyClosed: true)
    }

    @Test("graceful shutdown while the front answers: the answer goes out, then the connection closes")
    func quiesce() async throws {
        let responder = GatedResponder()
        let channel = try await Self.channel(responder)
        try await Self.send(channel, Self.head("/v1/chat/completions"), .end(nil))
        var started = responder.started.makeAsyncIterator()
        _ = await started.next()
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(channel.isActive)
        responder.release()
        #expect(try await Self.answer(channel) == (200, ""))
        try await channel.closeFuture.get()
    }
}
