import NIOCore
import NIOHTTP1

/// The production ``ProxyFrontResponder``: the same checks as Hummingbird's middlewares
/// (``RequestChecks``), then ``ProxyHandler/reply(_:headers:hangUp:readBody:)`` (the request's
/// trace and its ``RequestLifecycle``), its reply written through a ``ProxyFrontWriter``.
struct ProxyFrontService: ProxyFrontResponder {
    let proxy: ProxyHandler
    let routes: RoutesStore
    let recorder: RequestRecorder

    func check(_ head: HTTPRequestHead, api: ClientAPI) -> ProxyFrontCheck {
        let headers = head.headers
        let lookup: (String) -> String? = { headers.first(name: $0) }
        var headerBytes = 0
        for (name, value) in headers { headerBytes += name.utf8.count + value.utf8.count + 4 }
        let active = routes.snapshot
        if let refusal = RequestChecks.admission(path: api.endpoint, headerBytes: headerBytes, active: active, header: lookup) {
            return .refuse(refusal)
        }
        let limit = active.config.limits.maxBodyBytes
        switch RequestChecks.expectation(path: api.endpoint, sendsBody: true, routes: routes, header: lookup) {
        case .none: return .read(limit: limit, sendContinue: false)
        case .sendContinue: return .read(limit: limit, sendContinue: true)
        case .refuse(let refusal): return .refuse(refusal)
        }
    }

    func respond(_ request: ProxyFrontRequest, writer: ProxyFrontWriter) async {
        let api = request.api
        switch request.input {
        case .refused(let refusal):
            let (error, id) = await RequestChecks.refuse(refusal, path: api.endpoint, recorder: recorder)
            Self.write(error, headers: error.headerPairs(requestID: id), api: api, to: writer)
        case .body(let body):
            let headers = ProxyHandler.lowercasedHeaders(request.head.headers.lazy.map { (name: $0.name.lowercased(), value: $0.value) })
            let reply = await proxy.reply(api, headers: headers, hangUp: request.hangUp) { _ in try body.get() }
            await Self.write(reply, api: api, to: writer)
        }
    }

    static func write(_ reply: RequestLifecycle.Reply, api: ClientAPI, to writer: ProxyFrontWriter) async {
        switch reply {
        case .answer(let status, let contentType, let body, let tags):
            writer.whole(status: status, headers: ProxyHandler.answerHeaders(tags, contentType: contentType), body: ByteBuffer(bytes: body))
        case .error(let error, let tags):
            write(error, headers: ProxyHandler.errorHeaders(error, tags: tags), api: api, to: writer)
        case .stream(let stream):
            let headers = ProxyHandler.streamHeaders(stream.tags)
            if stream.isComplete {
                // The whole stream is here: the head, every event and the end go out in one write.
                guard let collected = await stream.collected() else {
                    return write(.routingLogUnavailable, headers: ProxyHandler.errorHeaders(.routingLogUnavailable, tags: stream.tags), api: api, to: writer)
                }
                return writer.whole(status: stream.status, headers: headers, body: collected)
            }
            writer.head(status: stream.status, headers: headers)
            let outcome = await stream.relay { try await writer.body($0) }
            if outcome.clientGone {
                writer.abort()
            } else {
                writer.end()
            }
        }
    }

    private static func write(_ error: APIError, headers: [(name: String, value: String)], api: ClientAPI, to writer: ProxyFrontWriter) {
        let body = api.usesAnthropicErrors ? error.anthropicBody : error.body
        writer.whole(status: Int(error.status.code), headers: headers, body: ByteBuffer(bytes: body), close: error.closesConnection)
    }
}

/// The handlers every client connection's pipeline gets ahead of Hummingbird: the hang-up
/// watch, then the ``ProxyFront``.
struct ConnectionFront: Sendable {
    let connections: ClientConnections
    let service: ProxyFrontService

    func makeHandlers() -> [any RemovableChannelHandler] {
        [connections.makeHandler(), ProxyFront(responder: service, connections: connections)]
    }
}
