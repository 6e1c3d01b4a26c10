import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core context plus the connection the
/// request came on, for the client's address (per-client rate limits) and for answers written
/// below the HTTP layer (`100 Continue`, closing after a refused upload).
struct TriageRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    var remoteAddress: SocketAddress? { channel.remoteAddress }
}
