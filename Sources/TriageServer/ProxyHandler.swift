import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TriageConfig
import TriageTracing
import TriageUpstream

/// Serves the model APIs (`/v1/chat/completions`, `/v1/messages`, `/v1/completions`,
/// `/v1/responses`, `/v1/embeddings`): the HTTP adapter around ``RequestLifecycle``. It opens the
/// request's trace, hands the lifecycle the body, the headers and the client's hang-up signal,
/// and turns its ``RequestLifecycle/Reply`` into a Hummingbird response: a whole answer, an
/// error in the client API's shape, or a streamed body written as the relay produces it.
struct ProxyHandler: Sendable {
    let lifecycle: RequestLifecycle

    init(
        routes: RoutesStore, client: any UpstreamTransport, recorder: RequestRecorder, health: BackendHealth, logger: Logger,
        shutdown: ShutdownCutoff, tracing: RequestTracing? = nil
    ) {
        lifecycle = RequestLifecycle(
            routes: routes, transport: client, recorder: recorder, health: health, logger: logger, shutdown: shutdown, tracing: tracing)
    }

    func handle(_ request: Request, api: ClientAPI, hangUp: ClientHangUp? = nil) async -> Response {
        let headers = Self.lowercasedHeaders(request.headers.lazy.map { (name: $0.name.canonicalName, value: $0.value) })
        let reply = await reply(api, headers: headers, hangUp: hangUp) { limit in
            try await RequestBodyReader.read(request, limit: limit)
        }
        switch reply {
        case .answer(let status, let contentType, let body, let tags):
            return Response(
                status: HTTPResponse.Status(code: status), headers: HTTPFields(pairs: Self.answerHeaders(tags, contentType: contentType)),
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        case .error(let error, let tags):
            return Self.errorResponse(error, tags: tags, api: api)
        case .stream(let stream):
            return await Self.streamResponse(stream, api: api)
        }
    }

    /// Runs the lifecycle of one request in its trace (a child of the client's `traceparent`,
    /// when tracing is on). Both HTTP fronts call this: Hummingbird's routes and the ``ProxyFront``.
    func reply(
        _ api: ClientAPI, headers: [String: String], hangUp: ClientHangUp?, readBody: (_ limit: Int) async throws -> [UInt8]
    ) async -> RequestLifecycle.Reply {
        if let tracing = lifecycle.tracing, RequestTrace.current == nil {
            // The request's span: its attributes come from the routing log record (RequestRecorder).
            let context = headers.filter { $0.key == "traceparent" || $0.key == "tracestate" }
            return await tracing.trace(endpoint: api.endpoint, headers: context) {
                await lifecycle.run(api, headers: headers, watch: ClientWatch(hangUp), readBody: readBody)
            }
        }
        return await lifecycle.run(api, headers: headers, watch: ClientWatch(hangUp), readBody: readBody)
    }

    /// The head of a streamed answer now, its events as the relay produces them.
    static func streamResponse(_ stream: StreamedAnswer, api: ClientAPI) async -> Response {
        let headers = HTTPFields(pairs: Self.streamHeaders(stream.tags))
        let status = HTTPResponse.Status(code: stream.status)
        if stream.isComplete {
            // The whole stream is here: the head, every event and the end go out in one write instead of three.
            guard let collected = await stream.collected() else { return errorResponse(.routingLogUnavailable, tags: stream.tags, api: api) }
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: collected))
        }
        let body = ResponseBody { writer in
            let outcome = await stream.relay { try await writer.write($0) }
            if !outcome.clientGone {
                try await writer.finish(nil)
            }
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// An error in the client's API, with the request's tags (errors after routing still say
    /// where the request was sent, and by which rule).
    static func errorResponse(_ error: APIError, tags: ReplyTags, api: ClientAPI) -> Response {
        Response(
            status: error.status, headers: HTTPFields(pairs: errorHeaders(error, tags: tags)),
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: api.usesAnthropicErrors ? error.anthropicBody : error.body)))
    }

    /// The headers of an error answer: the error's own, then the tags it does not already carry.
    static func errorHeaders(_ error: APIError, tags: ReplyTags) -> [(name: String, value: String)] {
        var headers = error.headerPairs(requestID: tags.id)
        for field in tagHeaders(tags) where !headers.contains(where: { $0.name == field.name }) {
            headers.append(field)
        }
        return headers
    }

    /// The headers of a whole answer.
    static func answerHeaders(_ tags: ReplyTags, contentType: String) -> [(name: String, value: String)] {
        tagHeaders(tags) + [("content-type", contentType)]
    }

    /// The headers of a streamed answer.
    static func streamHeaders(_ tags: ReplyTags) -> [(name: String, value: String)] {
        tagHeaders(tags) + [("content-type", "text/event-stream"), ("cache-control", "no-cache")]
    }

    /// `x-triage-request-id`, `x-triage-backend` and `x-triage-rule`.
    static func tagHeaders(_ tags: ReplyTags) -> [(name: String, value: String)] {
        var headers = [(name: "x-triage-request-id", value: tags.id)]
        if let backend = tags.backend { headers.append(("x-triage-backend", backend)) }
        if let rule = tags.rule { headers.append(("x-triage-rule", rule)) }
        return headers
    }

    /// Headers by lowercased name, repeated fields joined with ", ".
    static func lowercasedHeaders(_ fields: some Sequence<(name: String, value: String)>) -> [String: String] {
        var headers: [String: String] = [:]
        headers.reserveCapacity(fields.underestimatedCount)
        for (name, value) in fields {
            // One lookup for a name seen once (every name, nearly always); a repeated one is joined.
            if let existing = headers.updateValue(value, forKey: name) {
                headers[name] = existing + ", " + value
            }
        }
        return headers
    }
}
