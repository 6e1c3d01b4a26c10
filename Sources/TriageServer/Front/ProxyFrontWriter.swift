import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Writes the front's answer to one request from its task, on the connection's event loop: at
/// once when the task runs there (``EventLoopTaskExecutor``), else in one hop each: a whole answer
/// (head, body and end) together; a stream's head, then each event without waiting for it to be
/// written unless the connection is not writable (the client reads slower than the backend
/// sends: back-pressure), then the end.
struct ProxyFrontWriter: Sendable {
    let front: NIOLoopBound<ProxyFront>
    private let context: NIOLoopBound<ChannelHandlerContext>
    private let channel: any Channel
    private let hangUp: ClientHangUp?
    /// The answer's version, `connection` header and whether the connection closes after it.
    let framing: ResponseFraming

    init(front: NIOLoopBound<ProxyFront>, context: ChannelHandlerContext, hangUp: ClientHangUp?, framing: ResponseFraming) {
        self.front = front
        self.context = NIOLoopBound(context, eventLoop: context.eventLoop)
        self.channel = context.channel
        self.hangUp = hangUp
        self.framing = framing
    }

    private var eventLoop: any EventLoop { channel.eventLoop }

    /// Runs `work` on the connection's event loop: at once when already there (the request's
    /// task runs on it), else queued to it.
    private func onLoop(_ work: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { work() } else { eventLoop.execute(work) }
    }

    /// A whole answer: head, body and end in one write; the connection closes after it when `close`.
    func whole(status: Int, headers: [(name: String, value: String)], body: ByteBuffer, close: Bool = false) {
        let close = framing.closesAfterWhole(close: close)
        var fields = headers
        fields.append(("content-length", String(body.readableBytes)))
        if let connection = framing.connectionHeader(closes: close) { fields.append(connection) }
        let head = Self.head(status: status, headers: fields, version: framing.version)
        let context = self.context
        let front = self.front
        onLoop {
            let context = context.value
            context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
            if body.readableBytes > 0 {
                context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(body))), promise: nil)
            }
            front.value.frontAnswered(close: close, context: context)
        }
    }

    /// A stream's head (no length: chunked to an HTTP/1.1 client, ended by the close of the
    /// connection to an HTTP/1.0 one; see ``ResponseFraming``).
    ///
    /// The head is flushed at the end of the loop's current turn, not at once: when the first
    /// event came with it (the task, running on this loop, relays it in the same turn), both
    /// leave in one write, and the client's first event is not held back by a write of its own.
    func head(status: Int, headers: [(name: String, value: String)]) {
        var fields = headers
        if let connection = framing.connectionHeader(closes: framing.closesAfterStream) { fields.append(connection) }
        let head = Self.head(status: status, headers: fields, version: framing.version)
        let context = self.context
        onLoop { Self.writeFlushingAtTurnEnd(.head(head), context: context) }
    }

    /// One piece of a stream. Throws once the client has gone.
    ///
    /// From the connection's own loop the piece is flushed at the end of the loop's turn, like
    /// the head: the stream's last event (held back until the routing log's line is written)
    /// and its end, written in the same turn, then leave in one write instead of two.
    func body(_ buffer: ByteBuffer) async throws {
        guard channel.isActive, !(hangUp?.isGone ?? false) else { throw ChannelError.ioOnClosedChannel }
        let context = self.context
        let part = HTTPServerResponsePart.body(.byteBuffer(buffer))
        if channel.isWritable {
            if eventLoop.inEventLoop {
                Self.writeFlushingAtTurnEnd(part, context: context)
            } else {
                eventLoop.execute { context.value.writeAndFlush(NIOAny(part), promise: nil) }
            }
        } else {
            try await eventLoop.flatSubmit { context.value.writeAndFlush(NIOAny(part)) }.get()
        }
    }

    /// The end of a stream.
    func end() {
        let context = self.context
        let front = self.front
        let close = framing.closesAfterStream
        onLoop { front.value.frontAnswered(close: close, context: context.value) }
    }

    /// A stream cut short (the client went away): the connection closes without the end.
    func abort() {
        let context = self.context
        let front = self.front
        onLoop { front.value.frontAborted(context: context.value) }
    }

    /// Writes `part` now and flushes at the end of the loop's current turn (call it on the loop):
    /// whatever else this turn writes (a stream's first event after its head, its end after its
    /// last event) leaves in the same write.
    private static func writeFlushingAtTurnEnd(_ part: HTTPServerResponsePart, context: NIOLoopBound<ChannelHandlerContext>) {
        context.value.write(NIOAny(part), promise: nil)
        context.value.eventLoop.execute { context.value.flush() }
    }

    /// The response head, with `date` and `server` as Hummingbird's answers have them.
    static func head(status: Int, headers: [(name: String, value: String)], version: HTTPVersion = .http1_1) -> HTTPResponseHead {
        var fields = HTTPHeaders(headers.map { ($0.name, $0.value) })
        fields.add(name: "date", value: HTTPDate.now)
        fields.add(name: "server", value: "triage")
        return HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: status), headers: fields)
    }
}

/// The `date` header's text (RFC 9110 §5.6.7), formatted once a second.
enum HTTPDate {
    private static let cache = Mutex<(second: Int, text: String)>((-1, ""))

    static var now: String {
        var seconds = time(nil)
        return cache.withLock { cached in
            if cached.second == seconds { return cached.text }
            var parts = tm()
            gmtime_r(&seconds, &parts)
            var buffer = [CChar](repeating: 0, count: 40)
            let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
            let text = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            cached = (seconds, text)
            return text
        }
    }
}
