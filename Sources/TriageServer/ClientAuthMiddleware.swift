import Hummingbird
import HTTPTypes

/// Refuses oversize headers (`limits.max_header_bytes`, 431), then checks client keys on every
/// API route (all but `/healthz`) when `auth.client_keys_env` is set.
///
/// Accepts `Authorization: Bearer KEY` (OpenAI clients) or `x-api-key: KEY` (Anthropic clients).
/// A rejected request gets a 401 in OpenAI's error shape and a routing log line; the
/// presented key is never logged or echoed.
struct ClientAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RoutesStore
    let recorder: RequestRecorder

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var headerBytes = 0
        for field in request.headers { headerBytes += field.name.rawName.utf8.count + field.value.utf8.count + 4 }
        let path = request.uri.path
        guard let refusal = RequestChecks.admission(path: path, headerBytes: headerBytes, active: routes.snapshot, header: Self.lookup(request.headers)) else {
            return try await next(request, context)
        }
        let (error, id) = await RequestChecks.refuse(refusal, path: path, recorder: recorder)
        return error.response(requestID: id, anthropic: path == ClientAPI.anthropicMessages.endpoint)
    }

    /// A header of `headers` by lowercased name.
    static func lookup(_ headers: HTTPFields) -> (String) -> String? {
        { name in HTTPField.Name(name).flatMap { headers[$0] } }
    }

    static func presentedKey(_ headers: HTTPFields) -> String? {
        RequestChecks.presentedKey(lookup(headers))
    }
}
