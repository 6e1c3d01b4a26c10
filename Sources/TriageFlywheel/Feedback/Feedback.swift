import Foundation
import TriageJSON
import TriageLog

/// A user's judgement of one answer, stored in `feedback.jsonl` (one JSON object per line):
/// `{"ts", "request_id", "score", "label"?, "comment"?}`.
public struct Feedback: Sendable, Codable, Equatable {
    /// When the feedback was received (ISO 8601, UTC, milliseconds).
    public var timestamp: String
    /// The routing log id of the request (`x-triage-request-id`).
    public var requestID: String
    /// −1 (thumbs down) ... 1 (thumbs up); 0 is neutral. Any number in −1...1 is accepted.
    public var score: Double
    /// A short free-form label, e.g. `wrong`, `too_long`.
    public var label: String?
    /// A free-form comment.
    public var comment: String?

    /// Longest accepted request id, label and comment, in characters.
    public static let maxRequestIDLength = 256
    /// Longest accepted label.
    public static let maxLabelLength = 256
    /// Longest accepted comment.
    public static let maxCommentLength = 10_000

    /// Creates feedback.
    public init(timestamp: String, requestID: String, score: Double, label: String? = nil, comment: String? = nil) {
        self.timestamp = timestamp
        self.requestID = requestID
        self.score = score
        self.label = label
        self.comment = comment
    }

    enum CodingKeys: String, CodingKey {
        case timestamp = "ts"
        case requestID = "request_id"
        case score, label, comment
    }

    /// Whether the score is below 0 (thumbs down).
    public var isNegative: Bool { score < 0 }
    /// Whether the score is above 0 (thumbs up).
    public var isPositive: Bool { score > 0 }

    /// Validates the body of `POST /v1/feedback` (`{"request_id": "...", "score": -1..1, "label"?: "...",
    /// "comment"?: "..."}`; other members are ignored) and stamps it with `now`.
    /// - Throws: ``FeedbackValidationError``, whose description is the message for a 400 answer.
    public static func validate(body: Data, now: Date = Date()) throws(FeedbackValidationError) -> Feedback {
        guard let value = try? JSONParser.parse(Array(body)) else { throw .invalidJSON }
        guard case .object = value else { throw .notAnObject }
        let parsed: FeedbackBody
        do {
            parsed = try FeedbackBody(from: JSONValueDecoder(value))
        } catch let error as FeedbackValidationError {
            throw error
        } catch {
            throw .invalidJSON
        }
        guard let requestID = parsed.requestID else { throw .missingRequestID }
        let trimmed = requestID.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .missingRequestID }
        guard trimmed.count <= maxRequestIDLength else { throw .tooLong(field: "request_id", limit: maxRequestIDLength) }
        guard let score = parsed.score else { throw .missingScore }
        guard score.isFinite, (-1...1).contains(score) else { throw .scoreOutOfRange(score) }
        if let label = parsed.label, label.count > maxLabelLength { throw .tooLong(field: "label", limit: maxLabelLength) }
        if let comment = parsed.comment, comment.count > maxCommentLength { throw .tooLong(field: "comment", limit: maxCommentLength) }
        return Feedback(timestamp: RoutingLogRecord.timestamp(now), requestID: trimmed, score: score, label: parsed.label, comment: parsed.comment)
    }
}

/// The members of a feedback request body, with type errors mapped to ``FeedbackValidationError``.
private struct FeedbackBody: Decodable {
    var requestID: String?
    var score: Double?
    var label: String?
    var comment: String?

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case score, label, comment
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestID = try Self.member(container, .requestID, expected: "a string")
        score = try Self.member(container, .score, expected: "a number from -1 to 1")
        label = try Self.member(container, .label, expected: "a string")
        comment = try Self.member(container, .comment, expected: "a string")
    }

    private static func member<T: Decodable>(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys, expected: String) throws -> T? {
        do {
            return try container.decodeIfPresent(T.self, forKey: key)
        } catch {
            throw FeedbackValidationError.wrongType(field: key.rawValue, expected: expected)
        }
    }
}
