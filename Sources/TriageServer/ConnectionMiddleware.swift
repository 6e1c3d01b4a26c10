import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import NIOHTTP1
import TriageLog

/// Closes the connection after any answer that says `Connection: close` (a refused upload whose
/// body was never read, broken body framing): the rest of the client's bytes cannot be trusted
/// to start a new request. Added first, so it sees every answer.
struct CloseAfterResponseMiddleware: RouterMiddleware {
    typealias Context = TriageRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        if response.headers[.connection]?.lowercased() == "close" {
            // Hummingbird closes the connection once this answer is written.
            context.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        return response
    }
}

/// Answers `Expect: 100-continue` (RFC 9110 §10.1.1): a body over the limit is refused with 413
/// at once, without reading it; otherwise `100 Continue` goes out before the handler reads the
/// body, so clients like curl send it at once instead of after a one-second wait. Any other
/// expectation gets 417. Runs after the client-key check, so an unauthorised client is refused
/// before it uploads anything.
struct ExpectContinueMiddleware: RouterMiddleware {
    typealias Context = TriageRequestContext
    let routes: RoutesStore
    let recorder: RequestRecorder

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let expectation = request.headers[.expect] else { return try await next(request, context) }
        let path = request.uri.path
        var error: APIError
        if expectation.trimmingCharacters(in: .whitespaces).lowercased() != "100-continue" {
            error = APIError(
                status: .expectationFailed,
                message: "Unsupported expectation 'Expect: \(expectation.prefix(100))'; Triage supports only 'Expect: 100-continue'.",
                type: "invalid_request_error", code: .expectationFailed
            )
        } else if let declared = request.headers[.contentLength].flatMap(Int.init), declared > Self.bodyLimit(path: path, routes: routes) {
            error = APIError.bodyTooLarge(limit: Self.bodyLimit(path: path, routes: routes))
        } else {
            if request.method == .post || request.method == .put {
                await Self.sendContinue(on: context.channel)
            }
            return try await next(request, context)
        }
        let id = RequestID.make()
        // A refusal goes out whether or not its line could be written (nothing was answered).
        _ = await recorder.record(RoutingLogRecord(
            id: id, timestamp: RoutingLogRecord.timestamp(Date()), endpoint: path,
            reason: "rejected: \(error.code?.rawValue ?? "expectation")", status: Int(error.status.code), error: error.message, latencyMs: 0
        ))
        // The body was not read and will not be: this connection cannot carry another request.
        error.closesConnection = true
        return error.response(requestID: id, anthropic: path == ClientAPI.anthropicMessages.endpoint)
    }

    /// The largest body the route at `path` accepts.
    static func bodyLimit(path: String, routes: RoutesStore) -> Int {
        path == "/v1/feedback" ? FeedbackHandler.maxBodyBytes : routes.snapshot.config.limits.maxBodyBytes
    }

    /// Writes `HTTP/1.1 100 Continue` below the HTTP encoder (Hummingbird's response writer has no
    /// interim responses). The previous answer on this connection is already out: the client
    /// sent this request after it, and no answer to this one has started.
    static func sendContinue(on channel: any Channel) async {
        let line = ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")
        let written = channel.eventLoop.flatSubmit {
            do {
                let encoder = try channel.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
                return encoder.writeAndFlush(NIOAny(line))
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
        try? await written.get()
    }
}
