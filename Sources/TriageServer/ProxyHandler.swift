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
        if let tracing = lifecycle.tracing, RequestTrace.current == nil {
            // The request's span: its attributes come from the routing log record (RequestRecorder).
            return await tracing.trace(endpoint: api.endpoint, headers: Self.traceContextHeaders(request.headers)) {
                await handle(request, api: api, hangUp: hangUp)
            }
        }
        let reply = await lifecycle.run(api, headers: Self.lowercasedHeaders(request.headers), watch: ClientWatch(hangUp)) { limit in
            try await RequestBodyReader.read(request, limit: limit)
        }
        switch reply {
        case .answer(let status, let contentType, let body, let tags):
            var headers = Self.headers(tags)
            headers[.contentType] = contentType
            return Response(status: HTTPResponse.Status(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        case .error(let error, let tags):
            return Self.errorResponse(error, tags: tags, api: api)
        case .stream(let stream):
            return await Self.streamResponse(stream, api: api)
        }
    }

    /// The head of a streamed answer now, its events as the relay produces them.
    static func streamResponse(_ stream: StreamedAnswer, api: ClientAPI) async -> Response {
        var headers = Self.headers(stream.tags)
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let status = HTTPResponse.Status(code: stream.status)
        if stream.isComplete {
            // The whole stream is here: the head, every event and the end go out in one write instead of three.
            var collected = ByteBuffer()
            let outcome = await stream.relay { collected.writeImmutableBuffer($0) }
            guard outcome.mayAnswer else { return errorResponse(.routingLogUnavailable, tags: stream.tags, api: api) }
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
        var response = error.response(requestID: tags.id, anthropic: api.usesAnthropicErrors)
        for field in headers(tags) where response.headers[field.name] == nil {
            response.headers.append(field)
        }
        return response
    }

    /// `x-triage-request-id`, `x-triage-backend` and `x-triage-rule`.
    static func headers(_ tags: ReplyTags) -> HTTPFields {
        var headers = HTTPFields()
        if let name = HTTPField.Name("x-triage-request-id") { headers[name] = tags.id }
        if let name = HTTPField.Name("x-triage-backend"), let backend = tags.backend { headers[name] = backend }
        if let name = HTTPField.Name("x-triage-rule"), let rule = tags.rule { headers[name] = rule }
        return headers
    }

    static func lowercasedHeaders(_ fields: HTTPFields) -> [String: String] {
        var headers: [String: String] = [:]
        for field in fields {
            let name = field.name.canonicalName
            if let existing = headers[name] {
                headers[name] = existing + ", " + field.value
            } else {
                headers[name] = field.value
            }
        }
        return headers
    }

    /// The W3C trace context headers of a client request, by lowercased name.
    static func traceContextHeaders(_ fields: HTTPFields) -> [String: String] {
        var headers: [String: String] = [:]
        for name in ["traceparent", "tracestate"] {
            if let field = HTTPField.Name(name), let value = fields[field] { headers[name] = value }
        }
        return headers
    }
}
