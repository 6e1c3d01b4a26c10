import Hummingbird
import HTTPTypes
import NIOCore

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
        let path = request.uri.path
        let sendsBody = request.method == .post || request.method == .put
        switch RequestChecks.expectation(path: path, sendsBody: sendsBody, routes: routes, header: ClientAuthMiddleware<Context>.lookup(request.headers)) {
        case .none:
            return try await next(request, context)
        case .sendContinue:
            let channel = context.channel
            try? await channel.eventLoop.flatSubmit {
                RequestChecks.writeContinue(channel.pipeline.syncOperations) ?? channel.eventLoop.makeSucceededVoidFuture()
            }.get()
            return try await next(request, context)
        case .refuse(let refusal):
            let (error, id) = await RequestChecks.refuse(refusal, path: path, recorder: recorder)
            return error.response(requestID: id, anthropic: path == ClientAPI.anthropicMessages.endpoint)
        }
    }
}
