import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// How long a client connection may sit in each phase before Triage closes it
/// (`limits.idle_timeout`, `header_timeout`, `body_timeout`), so that idle keep-alive
/// connections and clients that send headers or a body too slowly cannot pile up.
struct ConnectionTimeouts: Sendable {
    /// Between requests on a keep-alive connection, until the next request's first byte.
    var idle: TimeAmount
    /// From a request's first byte (from the connection's start for its first request) to its complete head.
    var header: TimeAmount
    /// Between two reads of a request body.
    var body: TimeAmount

    init(idleSeconds: Double, headerSeconds: Double, bodySeconds: Double) {
        idle = .nanoseconds(Int64(idleSeconds * 1e9))
        header = .nanoseconds(Int64(headerSeconds * 1e9))
        body = .nanoseconds(Int64(bodySeconds * 1e9))
    }
}

/// Hummingbird's HTTP/1.1 child channel with ``ConnectionTimeouts`` enforced: a
/// ``RequestPhaseTimer`` after the HTTP decoder sees each request's head, body and end and
/// each response's end; a ``ReadActivityHandler`` before it tells the timer when the first
/// bytes of a request arrive on an idle connection.
struct TimedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel
    let timeouts: ConnectionTimeouts
    /// Handlers placed right after the timer (before Hummingbird's HTTP types codec): they see
    /// NIOHTTP1's request and response parts. The ``ProxyFront`` is one.
    var front: @Sendable () -> [any RemovableChannelHandler] = { [] }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let timeouts = self.timeouts
        let front = self.front
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            let timer = RequestPhaseTimer(timeouts: timeouts)
            try operations.addHandler(timer, position: .after(decoder))
            try operations.addHandlers(front().map { $0 as any ChannelHandler }, position: .after(timer))
            try operations.addHandler(ReadActivityHandler(timer: timer), position: .first)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Tells the ``RequestPhaseTimer`` that bytes arrived, before they are decoded.
final class ReadActivityHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    private let timer: RequestPhaseTimer

    init(timer: RequestPhaseTimer) {
        self.timer = timer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        timer.bytesArrived()
        context.fireChannelRead(data)
    }
}

/// Closes a connection that stays too long waiting for a request, in a request's head, or
/// between two reads of a request body. While a response is being produced (streams
/// included) no timer runs: `limits.request_timeout` bounds that.
final class RequestPhaseTimer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Phase {
        /// Keep-alive, waiting for the next request's first byte.
        case idle
        /// Some bytes of a request head have arrived (or the connection is new).
        case head
        /// The head arrived; the body is being read.
        case body
        /// The whole request arrived; the response is being produced.
        case responding
    }

    private let timeouts: ConnectionTimeouts
    private var phase = Phase.head
    /// Requests whose head arrived and whose response has not ended.
    private var open = 0
    private var deadline: NIODeadline?
    private var scheduled: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(timeouts: ConnectionTimeouts) {
        self.timeouts = timeouts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        arm(.now() + timeouts.header)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        scheduled?.cancel()
        scheduled = nil
        self.context = nil
    }

    func bytesArrived() {
        guard phase == .idle else { return }
        phase = .head
        arm(.now() + timeouts.header)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            open += 1
            phase = .body
            arm(.now() + timeouts.body)
        case .body:
            if phase == .body { arm(.now() + timeouts.body) }
        case .end:
            phase = .responding
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            open = max(0, open - 1)
            if open == 0 && phase == .responding {
                phase = .idle
                arm(.now() + timeouts.idle)
            }
        }
        context.write(data, promise: promise)
    }

    /// Sets the deadline; one scheduled task at a time checks it and re-arms itself for a later one.
    private func arm(_ newDeadline: NIODeadline) {
        deadline = newDeadline
        guard scheduled == nil, let context else { return }
        schedule(context, at: newDeadline)
    }

    private func schedule(_ context: ChannelHandlerContext, at when: NIODeadline) {
        scheduled = context.eventLoop.assumeIsolated().scheduleTask(deadline: when) { [self] in
            self.scheduled = nil
            guard let deadline = self.deadline, let context = self.context else { return }
            if deadline <= .now() {
                context.close(promise: nil)
            } else {
                self.schedule(context, at: deadline)
            }
        }
    }
}
