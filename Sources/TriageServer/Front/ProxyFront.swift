import NIOCore
import NIOHTTP1

/// What the ``ProxyFront`` runs for each request it takes.
protocol ProxyFrontResponder: Sendable {
    /// The checks made on the event loop when the head arrives (client key, header size,
    /// `Expect`), and the body limit.
    func check(_ head: HTTPRequestHead, api: ClientAPI) -> ProxyFrontCheck
    /// Answers the request through `writer`; runs in a task of its own.
    func respond(_ request: ProxyFrontRequest, writer: ProxyFrontWriter) async
}

/// What the checks on a request head decided.
enum ProxyFrontCheck: Sendable {
    /// Refused before its body is read.
    case refuse(RequestChecks.Refusal)
    /// Read the body, up to `limit` bytes, after a `100 Continue` when `sendContinue`.
    case read(limit: Int, sendContinue: Bool)
}

/// One request the front took, once its body is read (or known not to come).
struct ProxyFrontRequest: Sendable {
    enum Input: Sendable {
        /// Refused by the checks on its head.
        case refused(RequestChecks.Refusal)
        /// The whole body, or why there is none.
        case body(Result<[UInt8], APIError>)
    }

    let api: ClientAPI
    let head: HTTPRequestHead
    let input: Input
    /// The client's connection: the lifecycle aborts its upstream transfers when the client goes.
    let hangUp: ClientHangUp?
}

/// Serves `POST` on the proxy routes (``ClientAPI``) from the connection's channel pipeline,
/// ahead of Hummingbird: it sits after the HTTP/1 decoder, collects the body on the event loop,
/// runs each request in one fresh task (``ProxyFrontResponder``, in production the lifecycle) on
/// the connection's event loop (``EventLoopTaskExecutor``), and the answer is written back from
/// there without a hop. Every other request (and every part of it) goes on to Hummingbird
/// unchanged. ``ProxyFrontState`` keeps the answers of the two in the order the requests came.
final class ProxyFront: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private struct Taken {
        let api: ClientAPI
        let head: HTTPRequestHead
        var collector: BodyCollector?
        /// The request has gone to its task (its body complete, or never to be read).
        var dispatched = false
    }

    private let responder: any ProxyFrontResponder
    private let connections: ClientConnections?
    private var state = ProxyFrontState<HTTPRequestHead, ByteBuffer>()
    private var taken: Taken?
    private var hangUp: ClientHangUp?
    private var readPending = false
    /// The connection's event loop as a task executor, made on the first request.
    private var executor: EventLoopTaskExecutor?

    init(responder: any ProxyFrontResponder, connections: ClientConnections?) {
        self.responder = responder
        self.connections = connections
    }

    /// The API of a request the front takes: `POST` to one of the proxy routes.
    static func api(of head: HTTPRequestHead) -> ClientAPI? {
        guard head.method == .POST else { return nil }
        let path = head.uri.firstIndex(of: "?").map { head.uri[..<$0] } ?? head.uri[...]
        switch path {
        case "/v1/chat/completions": return .openAIChat
        case "/v1/messages": return .anthropicMessages
        case "/v1/completions": return .openAICompletions
        case "/v1/responses": return .openAIResponses
        case "/v1/embeddings": return .openAIEmbeddings
        default: return nil
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let item: ProxyFrontState<HTTPRequestHead, ByteBuffer>.Inbound
        switch unwrapInboundIn(data) {
        case .head(let head): item = .head(head, front: Self.api(of: head) != nil)
        case .body(let buffer): item = .body(buffer)
        case .end: item = .end
        }
        apply(state.received(item), context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            apply(state.received(.inputClosed), context: context)
        } else if event is ChannelShouldQuiesceEvent {
            if state.quiesce() { context.fireUserInboundEventTriggered(event) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else { return context.fireErrorCaught(error) }
        apply(state.received(.parseError(error)), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.closedByPeer()
        if let taken, !taken.dispatched {
            dispatch(.body(.failure((taken.collector ?? BodyCollector(limit: 0)).failure(nil))), context: context)
        }
        context.fireChannelInactive()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only Hummingbird's writes come this way (the front writes below itself).
        let ended: Bool
        if case .end = unwrapOutboundIn(data) { ended = true } else { ended = false }
        context.write(data, promise: promise)
        if ended { apply(state.answerEnded(front: false), context: context) }
    }

    func read(context: ChannelHandlerContext) {
        if state.pausesReading {
            readPending = true
        } else {
            context.read()
        }
    }

    /// The front's answer has been written up to its end: `close` when the connection must close
    /// after it (the writer's ``ResponseFraming`` has taken the request's `Connection` header into account).
    func frontAnswered(close: Bool, context: ChannelHandlerContext) {
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        apply(state.answerEnded(front: true, close: close), context: context, written: written)
    }

    /// The front's answer was cut (the client went away mid-stream): the connection closes without an end.
    func frontAborted(context: ChannelHandlerContext) {
        state.closedByPeer()
        context.close(promise: nil)
    }

    private func apply(
        _ actions: [ProxyFrontState<HTTPRequestHead, ByteBuffer>.Action], context: ChannelHandlerContext,
        written: EventLoopFuture<Void>? = nil
    ) {
        for action in actions {
            switch action {
            case .forward(.head(let head, _)): context.fireChannelRead(wrapInboundOut(.head(head)))
            case .forward(.body(let buffer)): context.fireChannelRead(wrapInboundOut(.body(buffer)))
            case .forward(.end): context.fireChannelRead(wrapInboundOut(.end(nil)))
            case .forward(.inputClosed): context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            case .forward(.parseError(let error)): context.fireErrorCaught(error)
            case .startFront(let head): start(head, context: context)
            case .frontBody(let buffer): collect(buffer, context: context)
            case .frontEnd:
                if let taken, !taken.dispatched { dispatch(.body(.success(taken.collector?.bytes ?? [])), context: context) }
            case .frontBodyFailed(let error):
                if let taken, !taken.dispatched {
                    dispatch(.body(.failure((taken.collector ?? BodyCollector(limit: 0)).failure(error))), context: context)
                }
            case .close:
                if let written {
                    let channel = context.channel
                    written.whenComplete { _ in channel.close(promise: nil) }
                } else {
                    context.close(promise: nil)
                }
            }
        }
        if readPending && !state.pausesReading {
            readPending = false
            context.read()
        }
    }

    private func start(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard let api = Self.api(of: head) else { return }
        taken = Taken(api: api, head: head)
        switch responder.check(head, api: api) {
        case .refuse(let refusal):
            dispatch(.refused(refusal), context: context)
        case .read(let limit, let sendContinue):
            if sendContinue { _ = RequestChecks.writeContinue(context.pipeline.syncOperations) }
            do throws(APIError) {
                taken?.collector = try BodyCollector(
                    transferEncoding: head.headers.first(name: "transfer-encoding"),
                    contentLength: head.headers.first(name: "content-length"), limit: limit)
            } catch {
                dispatch(.body(.failure(error)), context: context)
            }
        }
    }

    private func collect(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        guard var current = taken, !current.dispatched, var collector = current.collector else { return }
        // Drop the other references to the bytes first, so `append` grows them in place instead
        // of copying the whole body so far for every part (quadratic in the number of parts).
        taken = nil
        current.collector = nil
        do throws(APIError) {
            try collector.append(buffer)
            current.collector = collector
            taken = current
        } catch {
            taken = current
            dispatch(.body(.failure(error)), context: context)
        }
    }

    /// Largest request body whose task runs on its connection's event loop (see ``dispatch(_:context:)``).
    static let largestBodyOnLoop = 64 * 1024

    /// Whether the task for `input` runs on the connection's event loop.
    static func runsOnLoop(_ input: ProxyFrontRequest.Input) -> Bool {
        guard case .body(.success(let bytes)) = input else { return true }
        return bytes.count <= largestBodyOnLoop
    }

    private func dispatch(_ input: ProxyFrontRequest.Input, context: ChannelHandlerContext) {
        guard let current = taken else { return }
        // The connection's hang-up watch (its handler sits before this one), looked up once.
        if hangUp == nil { hangUp = connections?.hangUp(of: context.channel) }
        taken?.dispatched = true
        taken?.collector = nil
        let request = ProxyFrontRequest(api: current.api, head: current.head, input: input, hangUp: hangUp)
        let writer = ProxyFrontWriter(
            front: NIOLoopBound(self, eventLoop: context.eventLoop), context: context, hangUp: hangUp, framing: ResponseFraming(current.head))
        let responder = self.responder
        // One fresh task per request: its allocator's slabs go back when the request ends
        // (an idle keep-alive connection holds none), as with ``RequestTaskResponder``.
        // The task runs on this connection's event loop (no thread switch to parse, decide, answer
        // and write), unless its body is large enough that parsing and scanning it would hold up
        // the loop's other connections: then on the global pool, as any task.
        var executor: EventLoopTaskExecutor?
        if Self.runsOnLoop(input) {
            executor = self.executor ?? EventLoopTaskExecutor(context.eventLoop)
            self.executor = executor
        }
        Task(executorPreference: executor) { await responder.respond(request, writer: writer) }
    }
}
