import NIOCore
import NIOEmbedded
import NIOHTTP1
import Synchronization
import Testing
@testable import TriageServer

/// What leaves a channel for its socket: the bytes of each flush (everything written since the
/// previous flush), as one string each.
final class FlushedBytes: Sendable {
    private let state = Mutex<(pending: String, batches: [String])>(("", []))

    func wrote(_ text: String) { state.withLock { $0.pending += text } }

    func flushed() {
        state.withLock { state in
            guard !state.pending.isEmpty else { return }
            state.batches.append(state.pending)
            state.pending = ""
        }
    }

    /// The flushed batches so far, in order.
    var batches: [String] { state.withLock { $0.batches } }
    /// Every byte flushed so far.
    var all: String { batches.joined() }
}

/// Sits next to the socket (before NIO's HTTP encoder) and tells a ``FlushedBytes`` what goes out.
final class FlushRecorder: ChannelOutboundHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData
    let flushes: FlushedBytes

    init(_ flushes: FlushedBytes) {
        self.flushes = flushes
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .byteBuffer(let buffer) = unwrapOutboundIn(data) { flushes.wrote(String(buffer: buffer)) }
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        flushes.flushed()
        context.flush()
    }
}

/// The front in the production pipeline's order (NIO's HTTP/1 encoder and decoder, the hang-up
/// watch, the front), fed raw request bytes, its answers read as the bytes that leave.
@Suite("ProxyFront on the wire: bytes in, bytes out")
struct ProxyFrontWireTests {
    /// Answers by the request body: `stream` (the head and the first event at once, then the
    /// second event and the end), `stream-gated` (the head and the first event, then waits for
    /// `release()`), `stream-late` (the head, then waits, then one event); anything else is
    /// echoed back as a whole answer. Says when it has answered, or reached its wait.
    final class ScriptedResponder: ProxyFrontResponder {
        let progress: AsyncStream<String>
        private let progressInput: AsyncStream<String>.Continuation
        private let gate: AsyncStream<Void>
        private let gateInput: AsyncStream<Void>.Continuation

        init() {
            (progress, progressInput) = AsyncStream.makeStream()
            (gate, gateInput) = AsyncStream.makeStream()
        }

        func release() { gateInput.yield() }

        func check(_ head: HTTPRequestHead, api: ClientAPI) -> ProxyFrontCheck {
            .read(limit: 1000, sendContinue: false)
        }

        func respond(_ request: ProxyFrontRequest, writer: ProxyFrontWriter) async {
            guard case .body(.success(let bytes)) = request.input else {
                writer.whole(status: 400, headers: [], body: ByteBuffer(), close: true)
                progressInput.yield("answered")
                return
            }
            let text = String(decoding: bytes, as: UTF8.self)
            guard text.hasPrefix("stream") else {
                writer.whole(status: 200, headers: [("content-type", "application/json")], body: ByteBuffer(bytes: bytes))
                progressInput.yield("answered")
                return
            }
            writer.head(status: 200, headers: [("content-type", "text/event-stream")])
            if text == "stream-late" { await wait() }
            try? await writer.body(ByteBuffer(string: "data: first\n\n"))
            if text == "stream-gated" { await wait() }
            try? await writer.body(ByteBuffer(string: "data: second\n\n"))
            writer.end()
            progressInput.yield("answered")
        }

        private func wait() async {
            progressInput.yield("waiting")
            for await _ in gate { break }
        }
    }

    /// One connection: the front in a channel, what it flushed, and how far its responder got.
    struct Wire {
        let responder = ScriptedResponder()
        let flushes = FlushedBytes()
        let channel: NIOAsyncTestingChannel
        private var progress: AsyncStream<String>.Iterator

        init() async throws {
            let connections = ClientConnections()
            let (responder, flushes) = (self.responder, self.flushes)
            channel = try await NIOAsyncTestingChannel { channel in
                let operations = channel.pipeline.syncOperations
                try operations.addHandler(FlushRecorder(flushes))
                try operations.configureHTTPServerPipeline(
                    withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false)
                try operations.addHandlers([connections.makeHandler(), ProxyFront(responder: responder, connections: connections)])
            }
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080))
            progress = responder.progress.makeAsyncIterator()
        }

        /// Sends `request` and waits until the responder reports `step`, then lets the loop finish its turn.
        mutating func exchange(_ request: ByteBuffer, until step: String) async throws {
            try await channel.writeInbound(request)
            await channel.testingEventLoop.run()
            #expect(await progress.next() == step)
            await channel.testingEventLoop.run()
        }

        /// Lets a waiting responder go on, and waits until it has answered and the loop's turn has ended.
        mutating func release() async {
            responder.release()
            #expect(await progress.next() == "answered")
            await channel.testingEventLoop.run()
        }
    }

    /// A POST to the chat route in HTTP/1.`minor` carrying `body`, with `connection` when given.
    static func request(_ body: String, minor: Int, connection: String? = nil) -> ByteBuffer {
        var text = "POST /v1/chat/completions HTTP/1.\(minor)\r\nHost: triage\r\nContent-Length: \(body.utf8.count)\r\n"
        if let connection { text += "Connection: \(connection)\r\n" }
        return ByteBuffer(string: text + "\r\n" + body)
    }

    @Test("a stream's head and its first event leave in one flush, its last event and its end too; a head whose first event is late leaves alone by the end of the turn")
    func headCoalescesWithFirstEvent() async throws {
        var wire = try await Wire()
        let (flushes, channel) = (wire.flushes, wire.channel)
        try await wire.exchange(Self.request("stream-gated", minor: 1), until: "waiting")
        #expect(flushes.batches.count == 1, "one flush for the head and the first event: \(flushes.batches)")
        let first = flushes.batches.first ?? ""
        #expect(first.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(first.contains("data: first"))
        await wire.release()
        // The last event and the end, written in one turn, leave in one flush too.
        #expect(flushes.batches.count == 2, "one flush for the last event and the end: \(flushes.batches)")
        #expect(flushes.batches.last?.contains("data: second") == true && flushes.batches.last?.hasSuffix("0\r\n\r\n") == true)

        let late = flushes.batches.count
        try await wire.exchange(Self.request("stream-late", minor: 1), until: "waiting")
        #expect(flushes.batches.count == late + 1, "the head went out by itself")
        #expect(flushes.batches.last?.hasPrefix("HTTP/1.1 200 OK\r\n") == true && flushes.batches.last?.contains("data:") == false)
        await wire.release()
        #expect(flushes.batches.dropFirst(late + 1).joined().contains("data: first"))
        #expect(channel.isActive)
        _ = try await channel.finish(acceptAlreadyClosed: true)
    }

    @Test("HTTP/1.0 with `Connection: keep-alive`: answered in HTTP/1.0 with a length and `connection: keep-alive`; two requests on one connection")
    func http10KeepAlive() async throws {
        var wire = try await Wire()
        let (flushes, channel) = (wire.flushes, wire.channel)
        for body in ["{\"n\":1}", "{\"n\":2}"] {
            let before = flushes.all.count
            try await wire.exchange(Self.request(body, minor: 0, connection: "keep-alive"), until: "answered")
            let answer = String(flushes.all.dropFirst(before))
            #expect(answer.hasPrefix("HTTP/1.0 200 OK\r\n"))
            #expect(answer.contains("\r\nconnection: keep-alive\r\n"))
            #expect(answer.contains("\r\ncontent-length: 7\r\n"))
            #expect(answer.hasSuffix("\r\n\r\n" + body))
            #expect(channel.isActive, "kept open")
        }
        _ = try await channel.finish(acceptAlreadyClosed: true)
    }

    @Test("HTTP/1.0 without keep-alive, and HTTP/1.1 with `Connection: close`: `connection: close`, then the connection closes", arguments: [0, 1])
    func closesAfterAnswer(minor: Int) async throws {
        var wire = try await Wire()
        let (flushes, channel) = (wire.flushes, wire.channel)
        try await wire.exchange(Self.request("{}", minor: minor, connection: minor == 0 ? nil : "close"), until: "answered")
        #expect(flushes.all.hasPrefix("HTTP/1.\(minor) 200 OK\r\n"))
        #expect(flushes.all.contains("\r\nconnection: close\r\n"))
        #expect(flushes.all.hasSuffix("\r\n\r\n{}"))
        try await channel.closeFuture.get()
    }

    @Test("a stream to an HTTP/1.0 client (keep-alive asked or not) is not chunked: its end is the close of the connection", arguments: [nil, "keep-alive"])
    func http10Stream(connection: String?) async throws {
        var wire = try await Wire()
        let (flushes, channel) = (wire.flushes, wire.channel)
        try await wire.exchange(Self.request("stream", minor: 0, connection: connection), until: "answered")
        let answer = flushes.all
        #expect(answer.hasPrefix("HTTP/1.0 200 OK\r\n"))
        #expect(!answer.lowercased().contains("transfer-encoding"))
        #expect(!answer.lowercased().contains("content-length"))
        #expect(answer.contains("\r\nconnection: close\r\n"))
        #expect(answer.hasSuffix("\r\n\r\ndata: first\n\ndata: second\n\n"), "the events as they are, no chunk sizes")
        try await channel.closeFuture.get()
    }

    @Test("a stream to an HTTP/1.1 client is chunked and the connection stays open")
    func http11Stream() async throws {
        var wire = try await Wire()
        let (flushes, channel) = (wire.flushes, wire.channel)
        try await wire.exchange(Self.request("stream", minor: 1), until: "answered")
        #expect(flushes.all.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(flushes.all.contains("\r\ntransfer-encoding: chunked\r\n"))
        #expect(!flushes.all.contains("connection:"))
        #expect(flushes.all.hasSuffix("0\r\n\r\n"))
        #expect(channel.isActive)
        _ = try await channel.finish(acceptAlreadyClosed: true)
    }
}
