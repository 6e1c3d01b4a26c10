import Foundation
import Hummingbird
import NIOCore
import Synchronization
import TriageFlywheel
import TriageLog

/// The ids of recent requests, so feedback can be checked against them without reading the log.
final class RecentRequestIDs: Sendable {
    private struct Ring {
        var slots: [String?]
        var next = 0
        var members: Set<String> = []
    }

    private let ring: Mutex<Ring>

    init(capacity: Int = 200_000) {
        ring = Mutex(Ring(slots: Array(repeating: nil, count: max(1, capacity))))
    }

    func insert(_ id: String) {
        ring.withLock { ring in
            if let evicted = ring.slots[ring.next] { ring.members.remove(evicted) }
            ring.slots[ring.next] = id
            ring.members.insert(id)
            ring.next = (ring.next + 1) % ring.slots.count
        }
    }

    func contains(_ id: String) -> Bool {
        ring.withLock { $0.members.contains(id) }
    }
}

/// Serves `POST /v1/feedback`: `{"request_id", "score" (-1...1), "label"?, "comment"?}` about an
/// answer the proxy gave (its id came in the `x-triage-request-id` header). Stored in
/// `feedback.jsonl` beside the routing log, where `triage export` and `--labels` read it.
struct FeedbackHandler: Sendable {
    let store: FeedbackStore
    let recent: RecentRequestIDs
    let logPath: String

    func handle(_ request: Request) async -> Response {
        do {
            let bytes = try await ProxyHandler.readBody(request, limit: 64 * 1024)
            let feedback: Feedback
            do {
                feedback = try Feedback.validate(body: Data(bytes))
            } catch {
                throw APIError.invalidRequest("Invalid feedback: \(error.description). Expected {\"request_id\": \"tr-...\", \"score\": -1..1, \"label\"?: string, \"comment\"?: string}.")
            }
            guard recent.contains(feedback.requestID) || Self.logMentions(feedback.requestID, logPath: logPath) else {
                throw APIError(
                    status: .notFound,
                    message: "No request with id '\(feedback.requestID)' is in the routing log (ids come from the x-triage-request-id response header).",
                    type: "invalid_request_error", code: "request_not_found", param: "request_id"
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

    /// Whether the routing log (rotated files included) holds a record with this id: for ids
    /// older than the in-memory window, e.g. from before a restart.
    static func logMentions(_ id: String, logPath: String) -> Bool {
        let needle = Array("\"id\":\"\(id)\"".utf8)
        let files = ((try? LogFiles.list(path: logPath)) ?? []).reversed()  // newest first: recent ids are likelier
        for file in files {
            guard let handle = FileHandle(forReadingAtPath: file) else { continue }
            defer { try? handle.close() }
            var carry: [UInt8] = []
            while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                let window = carry + Array(chunk)
                if window.firstRange(of: needle) != nil { return true }
                carry = Array(window.suffix(needle.count))
            }
        }
        return false
    }
}
