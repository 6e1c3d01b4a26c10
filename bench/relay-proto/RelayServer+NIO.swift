import NIOCore
import NIOHTTP1
import NIOPosix
import TriageUpstream

extension RelayServer {
    /// The relay on a plain NIOHTTP1 pipeline: no tasks on the request path. The request is
    /// read by a channel handler, the upstream transfer started from the event loop, and each
    /// delivery of the curl thread is posted to the connection's event loop and written there.
    func runNIO(announce: @escaping @Sendable (Int) -> Void) async throws {
        let client = self.client
        let upstream = self.upstream
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(RelayHandler(client: client, upstream: upstream))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        announce(channel.localAddress?.port ?? 0)
        try await channel.closeFuture.get()
    }
}

/// Reads one request at a time and starts its upstream transfer.
final class RelayHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let client: UpstreamClient
    private let upstream: String
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var transfer: UpstreamTransfer?

    init(client: UpstreamClient, upstream: String) {
        self.client = client
        self.upstream = upstream
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = []
            if let length = requestHead.headers.first(name: "content-length").flatMap({ Int($0) }) {
                body.reserveCapacity(length)
            }
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head else { return }
            let request = UpstreamRequest(
                url: upstream + head.uri, method: "POST",
                headers: [(name: "Content-Type", value: "application/json")], body: body)
            let writer = ChannelResponseWriter(
                context: NIOLoopBound(context, eventLoop: context.eventLoop), eventLoop: context.eventLoop,
                keepAlive: head.isKeepAlive)
            transfer = client.start(request, handler: writer)
            body = []
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        transfer?.cancel()
        context.fireChannelInactive()
    }
}

/// Writes the upstream's deliveries to the client connection, on its event loop.
struct ChannelResponseWriter: UpstreamResponseHandler {
    let context: NIOLoopBound<ChannelHandlerContext>
    let eventLoop: any EventLoop
    let keepAlive: Bool

    func receive(_ delivery: UpstreamDelivery) {
        let context = self.context
        let keepAlive = self.keepAlive
        eventLoop.execute {
            Self.write(delivery, to: context.value, keepAlive: keepAlive)
        }
    }

    private static func write(_ delivery: UpstreamDelivery, to context: ChannelHandlerContext, keepAlive: Bool) {
        guard context.channel.isActive else { return }
        if let head = delivery.head {
            var headers = HTTPHeaders()
            let type = head.headers.first { $0.name.lowercased() == "content-type" }?.value
            headers.add(name: "Content-Type", value: type ?? "application/json")
            if case .completed = delivery.end {
                headers.add(name: "Content-Length", value: String(delivery.body.count))
            }
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            let status = HTTPResponseStatus(statusCode: head.status)
            context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        } else if case .failed = delivery.end, delivery.body.isEmpty {
            // Failed before any answer: a 502 with no body.
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: "0")
            context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .badGateway, headers: headers))), promise: nil)
        }
        if !delivery.body.isEmpty {
            let buffer = context.channel.allocator.buffer(bytes: delivery.body)
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
        }
        guard delivery.end != nil else {
            context.flush()
            return
        }
        if keepAlive {
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
        } else {
            let channel = context.channel
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
