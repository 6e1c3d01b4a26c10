import Foundation
import TriageJSON
import Hummingbird
import NIOCore
import TriageFlywheel
import TriageLog
import TriagePostgres

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
    /// The shared database (`log.sink: postgres`): ids served by other replicas are looked up
    /// there (by index), and feedback is stored there for every replica's readers.
    var database: ReplicaDatabase? = nil
    /// This replica's records held back for their shadow copy (written once it ends): their ids
    /// take feedback at once.
    var heldBack: HeldBackRecords? = nil
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
                    type: "rate_limit_error", code: .rateLimitExceeded, retryAfter: retryAfter
                )
            }
            let bytes = try await RequestBodyReader.read(request, limit: Self.maxBodyBytes)
            let feedback: Feedback
            do {
                feedback = try Feedback.validate(body: Data(bytes))
            } catch {
                throw APIError.invalidRequest("Invalid feedback: \(error.description). Expected {\"request_id\": \"tr-...\", \"score\": -1..1, \"label\"?: string, \"comment\"?: string}.")
            }
            switch try await isKnown(feedback.requestID) {
            case true?:
                break
            case false? where database != nil && RequestID.isWellFormed(feedback.requestID):
                // Maybe another replica's record not stored yet (held back for its shadow copy,
                // or in that replica's spool): kept aside and joined to the log once it is there.
                return try await storePending(feedback)
            case false?:
                throw APIError(
                    status: .notFound,
                    message: "No request with id '\(feedback.requestID)' is in the routing log (ids come from the x-triage-request-id response header).",
                    type: "invalid_request_error", code: .requestNotFound, param: "request_id"
                )
            case nil:
                throw APIError(
                    status: .serviceUnavailable,
                    message: "The routing log is still being indexed after start-up; retry shortly.",
                    type: "server_error", code: .feedbackIndexLoading, retryAfter: 1
                )
            }
            do {
                if let database {
                    try await database.store.appendFeedback(feedback)
                } else {
                    try store.append(feedback)
                }
            } catch {
                throw APIError(status: .internalServerError, message: "Feedback could not be stored: \(error)", type: "server_error", code: .feedbackNotStored)
            }
            let body = JSONValue.object(["status": .string("recorded"), "request_id": .string(feedback.requestID)]).jsonBytes
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        } catch {
            let apiError = (error as? APIError) ?? APIError(status: .internalServerError, message: "\(error)", type: "server_error", code: nil)
            return apiError.response(requestID: nil)
        }
    }

    /// Whether a request with `id` was logged (or is held back here for its shadow copy): this
    /// replica's ids in memory, then the database's.
    private func isKnown(_ id: String) async throws -> Bool? {
        if heldBack?.contains(id) == true { return true }
        let local = await known.contains(id, wait: Self.indexWait)
        guard local == false, let database else { return local }
        do {
            return try await database.store.containsRequest(id)
        } catch {
            throw APIError(
                status: .serviceUnavailable,
                message: "The routing log database cannot be reached to look up '\(id)'; retry shortly.",
                type: "server_error", code: .routingLogDatabaseUnavailable, retryAfter: 1
            )
        }
    }

    /// Stores feedback about an id no replica has stored yet; answers 202 `pending`.
    private func storePending(_ feedback: Feedback) async throws -> Response {
        do {
            try await database?.store.appendFeedback(feedback, pending: true)
        } catch {
            throw APIError(status: .internalServerError, message: "Feedback could not be stored: \(error)", type: "server_error", code: .feedbackNotStored)
        }
        let body = JSONValue.object(["status": .string("pending"), "request_id": .string(feedback.requestID)]).jsonBytes
        return Response(status: .accepted, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Who is asking: the client key when one is presented (auth on), else the IP address.
    static func client(_ request: Request, context: TriageRequestContext) -> String {
        if let key = ClientAuthMiddleware<TriageRequestContext>.presentedKey(request.headers) { return "key:" + key }
        return "ip:" + (context.remoteAddress?.ipAddress ?? "unknown")
    }
}
