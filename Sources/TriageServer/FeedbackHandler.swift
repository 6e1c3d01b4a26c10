import Foundation
import Hummingbird
import NIOCore
import TriageFlywheel
import TriageLog

/// Serves `POST /v1/feedback`: `{"request_id", "score" (-1...1), "label"?, "comment"?}` about an
/// answer the proxy gave (its id came in the `x-triage-request-id` header). Stored in
/// `feedback.jsonl` beside the routing log, where `triage export` and `--labels` read it.
///
/// The id is checked against ``KnownRequestIDs`` (in memory: no log is read per request), and
/// each client may send `limits.feedback_per_minute` of them a minute (429 beyond).
struct FeedbackHandler: Sendable {
    let store: FeedbackStore
    let known: KnownRequestIDs
    let routes: RoutesStore
    let limiter = ClientRateLimiter()
    /// Largest feedback body.
    static let maxBodyBytes = 64 * 1024
    /// How long a request waits for the start-up scan of the log before a 503.
    static let indexWait: Duration = .seconds(2)

    func handle(_ request: Request, context: TriageRequestContext) async -> Response {
        do {
            let limits = routes.snapshot.config.limits
            if let retryAfter = limiter.take(client: Self.client(request, context: context), perMinute: limits.feedbackPerMinute) {
                throw APIError(
                    status: .tooManyRequests,
                    message: "Too many feedback requests: at most \(limits.feedbackPerMinute) a minute per client (limits.feedback_per_minute in routes.yaml). Retry after \(Int(retryAfter.rounded(.up))) s.",
                    type: "rate_limit_error", code: "rate_limit_exceeded", retryAfter: retryAfter
                )
            }
            let bytes = try await RequestBodyReader.read(request, limit: Self.maxBodyBytes)
            let feedback: Feedback
            do {
                feedback = try Feedback.validate(body: Data(bytes))
            } catch {
                throw APIError.invalidRequest("Invalid feedback: \(error.description). Expected {\"request_id\": \"tr-...\", \"score\": -1..1, \"label\"?: string, \"comment\"?: string}.")
            }
            switch await known.contains(feedback.requestID, wait: Self.indexWait) {
            case true?:
                break
            case false?:
                throw APIError(
                    status: .notFound,
                    message: "No request with id '\(feedback.requestID)' is in the routing log (ids come from the x-triage-request-id response header).",
                    type: "invalid_request_error", code: "request_not_found", param: "request_id"
                )
            case nil:
                throw APIError(
                    status: .serviceUnavailable,
                    message: "The routing log is still being indexed after start-up; retry shortly.",
                    type: "server_error", code: "feedback_index_loading", retryAfter: 1
                )
            }
            do {
                try store.append(feedback)
            } catch {
                throw APIError(status: .internalServerError, message: "Feedback could not be stored: \(error.description)", type: "server_error", code: "feedback_not_stored")
            }
            let body = JSONField.object(["status": .string("recorded"), "request_id": .string(feedback.requestID)]).encoded
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        } catch {
            let apiError = (error as? APIError) ?? APIError(status: .internalServerError, message: "\(error)", type: "server_error", code: nil)
            return apiError.response(requestID: nil)
        }
    }

    /// Who is asking: the client key when one is presented (auth on), else the IP address.
    static func client(_ request: Request, context: TriageRequestContext) -> String {
        if let key = ClientAuthMiddleware<TriageRequestContext>.presentedKey(request.headers) { return "key:" + key }
        return "ip:" + (context.remoteAddress?.ipAddress ?? "unknown")
    }
}
