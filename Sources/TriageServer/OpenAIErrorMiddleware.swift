import Hummingbird
import NIOCore

/// Turns errors thrown anywhere in the router (unknown paths, wrong methods) into
/// OpenAI-shaped JSON errors, so every error a client sees has the same shape.
struct OpenAIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response(requestID: nil)
        } catch let error as HTTPError {
            let path = request.uri.path
            if error.status == .notFound {
                return APIError(
                    status: .notFound,
                    message: "Invalid URL (\(request.method.rawValue) \(path)). Triage serves POST /v1/chat/completions, /v1/messages, /v1/completions and /v1/feedback; GET /v1/models, /v1/triage/status, /v1/triage/report, /v1/triage/requests, /ui, /metrics and /healthz.",
                    type: "invalid_request_error", code: .unknownURL
                ).response(requestID: nil)
            }
            return APIError(
                status: error.status, message: error.body ?? "\(error.status.reasonPhrase) (\(request.method.rawValue) \(path))",
                type: error.status.code >= 500 ? "server_error" : "invalid_request_error", code: nil
            ).response(requestID: nil)
        }
    }
}
