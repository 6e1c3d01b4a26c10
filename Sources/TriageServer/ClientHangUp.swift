import Hummingbird
import NIOCore
import Synchronization
import TriageUpstream

/// Notices when a client closes its connection while its request is still being answered, and
/// aborts the upstream transfers working for it.
///
/// Hummingbird gives a handler no signal when the client goes away before the answer (it only
/// notices when writing fails, which a non-streamed answer does once, at the end). A
/// `ClientHangUpHandler` in each connection's pipeline sees the end of the client's input (a
/// FIN: Hummingbird allows half-closure, so it arrives as `ChannelEvent.inputClosed`) or the
/// connection closing, and cancels what the request in progress registered. Like nginx's
/// default (`proxy_ignore_client_abort off`), a client that closes its sending side counts as
/// gone: HTTP clients do not half-close while waiting for an answer.
final class ClientConnections: Sendable {
    private let connections = Mutex<[ObjectIdentifier: ClientHangUp]>([:])

    /// The handler to add to every new connection's pipeline.
    func makeHandler() -> ClientHangUpHandler {
        ClientHangUpHandler(connections: self)
    }

    /// The hang-up signal of the connection `channel` (nil if it is not tracked).
    func hangUp(of channel: any Channel) -> ClientHangUp? {
        connections.withLock { $0[ObjectIdentifier(channel)] }
    }

    fileprivate func add(_ channel: any Channel, _ hangUp: ClientHangUp) {
        connections.withLock { $0[ObjectIdentifier(channel)] = hangUp }
    }

    fileprivate func remove(_ channel: any Channel) {
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}

/// Whether the client of one connection has gone, and what to abort when it goes.
final class ClientHangUp: Sendable {
    private let transfers = CancellationGroup()

    /// Whether the client has closed the connection (or its sending side).
    var isGone: Bool { transfers.isFired }

    /// Cancels `cancellation` when the client goes (at once if it already has).
    func watch(_ cancellation: UpstreamCancellation) { transfers.add(cancellation) }

    /// Stops watching `cancellation` (its request is over).
    func unwatch(_ cancellation: UpstreamCancellation) { transfers.remove(cancellation) }

    /// The client went away: cancels everything watched.
    func clientGone() { transfers.fire() }
}

/// The per-connection channel handler behind `ClientConnections`; passes every event on.
final class ClientHangUpHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    private let connections: ClientConnections
    private let hangUp = ClientHangUp()

    fileprivate init(connections: ClientConnections) {
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connections.add(context.channel, hangUp)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connections.remove(context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            hangUp.clientGone()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        hangUp.clientGone()
        connections.remove(context.channel)
        context.fireChannelInactive()
    }
}

/// One request's link to its client's connection: the upstream transfers it starts are
/// aborted when the client goes. `end()` once the request is over (on a kept-alive
/// connection, the next request watches its own).
struct ClientWatch: Sendable {
    /// Given to every upstream request made for this client request.
    let cancellation = UpstreamCancellation()
    private let hangUp: ClientHangUp?

    init(_ hangUp: ClientHangUp?) {
        self.hangUp = hangUp
        hangUp?.watch(cancellation)
    }

    /// Whether the client went away (and the transfers were aborted for it).
    var clientGone: Bool { hangUp?.isGone ?? false }

    func end() {
        hangUp?.unwatch(cancellation)
    }
}
