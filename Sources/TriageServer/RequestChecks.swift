import Foundation
import NIOCore
import NIOHTTP1
import TriageDashboard
import TriageLog

/// The checks a request passes before its route, one definition for both ways a request is
/// served: Hummingbird's middlewares (``ClientAuthMiddleware``, ``ExpectContinueMiddleware``)
/// and the ``ProxyFront`` on the proxy routes. Headers are looked up by lowercased name.
enum RequestChecks {
    /// A request refused before its route.
    struct Refusal: Sendable {
        var error: APIError
        /// Whether the refusal is answered even when its routing log line could not be written
        /// (a refused expectation: nothing of the request was answered or read).
        var answersUnlogged = false
    }

    /// What to do about an `Expect` header.
    enum Expectation: Sendable {
        /// No expectation.
        case none
        /// `100-continue` within the limit: send `100 Continue`, then read the body.
        case sendContinue
        /// Refused (417, or 413 for a declared body over the limit), and the connection closes.
        case refuse(Refusal)
    }

    /// Oversize headers (`limits.max_header_bytes`, 431), then the client key on every route
    /// but `/healthz` and the dashboard's page files when `auth.client_keys_env` is set.
    /// `headerBytes` counts each field as name, value and 4 bytes of framing.
    static func admission(path: String, headerBytes: Int, active: ActiveRoutes, header: (String) -> String?) -> Refusal? {
        if headerBytes > active.config.limits.maxHeaderBytes {
            return Refusal(error: APIError(
                status: .requestHeaderFieldsTooLarge,
                message: "Request header fields total \(headerBytes) bytes, over the limit of \(active.config.limits.maxHeaderBytes) (limits.max_header_bytes in routes.yaml).",
                type: "invalid_request_error", code: .headersTooLarge
            ))
        }
        // The dashboard's page files hold no data (it asks for a key, then sends it with each call).
        guard active.config.auth.isEnabled, path != "/healthz", DashboardAssets.files[path] == nil else { return nil }
        let presented = presentedKey(header)
        if let presented, active.acceptsClientKey(presented) { return nil }
        let message = presented == nil
            ? "You didn't provide an API key. Send it as 'Authorization: Bearer KEY' (or 'x-api-key: KEY'); accepted keys come from the environment variables named in auth.client_keys_env."
            : "Incorrect API key provided. Accepted keys come from the environment variables named in auth.client_keys_env."
        return Refusal(error: APIError(status: .unauthorized, message: message, type: "invalid_request_error", code: .invalidAPIKey))
    }

    /// `Authorization: Bearer KEY` (OpenAI clients) or `x-api-key: KEY` (Anthropic clients).
    static func presentedKey(_ header: (String) -> String?) -> String? {
        if let authorization = header("authorization") {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return String(parts[1]).trimmingCharacters(in: .whitespaces)
            }
            return nil
        }
        return header("x-api-key").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// `Expect` (RFC 9110 §10.1.1): only `100-continue`, and a declared body over the route's
    /// limit is refused at once, without reading it.
    static func expectation(path: String, sendsBody: Bool, routes: RoutesStore, header: (String) -> String?) -> Expectation {
        guard let expectation = header("expect") else { return .none }
        var error: APIError
        if expectation.trimmingCharacters(in: .whitespaces).lowercased() != "100-continue" {
            error = APIError(
                status: .expectationFailed,
                message: "Unsupported expectation 'Expect: \(expectation.prefix(100))'; Triage supports only 'Expect: 100-continue'.",
                type: "invalid_request_error", code: .expectationFailed
            )
        } else if let declared = header("content-length").flatMap(Int.init), declared > bodyLimit(path: path, routes: routes) {
            error = APIError.bodyTooLarge(limit: bodyLimit(path: path, routes: routes))
        } else {
            return sendsBody ? .sendContinue : .none
        }
        // The body was not read and will not be: this connection cannot carry another request.
        error.closesConnection = true
        return .refuse(Refusal(error: error, answersUnlogged: true))
    }

    /// The largest body the route at `path` accepts.
    static func bodyLimit(path: String, routes: RoutesStore) -> Int {
        path == "/v1/feedback" ? FeedbackHandler.maxBodyBytes : routes.snapshot.config.limits.maxBodyBytes
    }

    /// Writes the refusal's routing log line; returns the error to answer (503 instead when the
    /// line could not be written and the refusal needs it) and the request id.
    static func refuse(_ refusal: Refusal, path: String, recorder: RequestRecorder) async -> (error: APIError, id: String) {
        let error = refusal.error
        let id = RequestID.make()
        let logged = await recorder.record(RoutingLogRecord(
            id: id, timestamp: RoutingLogRecord.timestamp(Date()), endpoint: path,
            reason: "rejected: \(error.code?.rawValue ?? "expectation")", status: Int(error.status.code), error: error.message, latencyMs: 0
        ))
        return (logged || refusal.answersUnlogged ? error : .routingLogUnavailable, id)
    }

    /// Writes `HTTP/1.1 100 Continue` below the HTTP encoder (neither Hummingbird's response
    /// writer nor the response head of the front has interim responses). Call on the channel's
    /// event loop; the previous answer on the connection is already out.
    static func writeContinue(_ pipeline: ChannelPipeline.SynchronousOperations) -> EventLoopFuture<Void>? {
        guard let encoder = try? pipeline.context(handlerType: HTTPResponseEncoder.self) else { return nil }
        return encoder.writeAndFlush(NIOAny(ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")))
    }
}
