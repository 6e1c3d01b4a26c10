import Foundation
import Hummingbird
import HTTPTypes
import TriageDashboard
import TriageLog

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
        let active = routes.snapshot
        var headerBytes = 0
        for field in request.headers { headerBytes += field.name.rawName.utf8.count + field.value.utf8.count + 4 }
        if headerBytes > active.config.limits.maxHeaderBytes {
            let error = APIError(
                status: .requestHeaderFieldsTooLarge,
                message: "Request header fields total \(headerBytes) bytes, over the limit of \(active.config.limits.maxHeaderBytes) (limits.max_header_bytes in routes.yaml).",
                type: "invalid_request_error", code: .headersTooLarge
            )
            let id = RequestID.make()
            let logged = await recorder.record(RoutingLogRecord(
                id: id, timestamp: RoutingLogRecord.timestamp(Date()), endpoint: request.uri.path,
                reason: "rejected: headers_too_large", status: 431, error: error.message, latencyMs: 0
            ))
            return (logged ? error : .routingLogUnavailable)
                .response(requestID: id, anthropic: request.uri.path == ClientAPI.anthropicMessages.endpoint)
        }
        // The dashboard's page files hold no data (it asks for a key, then sends it with each call).
        guard active.config.auth.isEnabled, request.uri.path != "/healthz", DashboardAssets.files[request.uri.path] == nil else {
            return try await next(request, context)
        }
        let presented = Self.presentedKey(request.headers)
        if let presented, active.acceptsClientKey(presented) {
            return try await next(request, context)
        }
        let message = presented == nil
            ? "You didn't provide an API key. Send it as 'Authorization: Bearer KEY' (or 'x-api-key: KEY'); accepted keys come from the environment variables named in auth.client_keys_env."
            : "Incorrect API key provided. Accepted keys come from the environment variables named in auth.client_keys_env."
        let error = APIError(status: .unauthorized, message: message, type: "invalid_request_error", code: .invalidAPIKey)
        let id = RequestID.make()
        let logged = await recorder.record(RoutingLogRecord(
            id: id, timestamp: RoutingLogRecord.timestamp(Date()), endpoint: request.uri.path,
            reason: "rejected: invalid_api_key", status: 401, error: message, latencyMs: 0
        ))
        return (logged ? error : .routingLogUnavailable)
            .response(requestID: id, anthropic: request.uri.path == ClientAPI.anthropicMessages.endpoint)
    }

    static func presentedKey(_ headers: HTTPFields) -> String? {
        if let authorization = headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return String(parts[1]).trimmingCharacters(in: .whitespaces)
            }
            return nil
        }
        if let name = HTTPField.Name("x-api-key"), let key = headers[name] {
            return key.trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
