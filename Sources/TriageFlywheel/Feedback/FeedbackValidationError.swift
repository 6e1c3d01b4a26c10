/// Why a feedback request body was refused; the description is meant for the 400 answer.
public enum FeedbackValidationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The body is not valid JSON.
    case invalidJSON
    /// The body is JSON but not an object.
    case notAnObject
    /// `request_id` is missing or empty.
    case missingRequestID
    /// `score` is missing.
    case missingScore
    /// `score` is outside −1...1 (or not finite).
    case scoreOutOfRange(Double)
    /// A member has the wrong JSON type.
    case wrongType(field: String, expected: String)
    /// A string member is too long.
    case tooLong(field: String, limit: Int)

    /// The message for the user: what went wrong and what to do.
    public var description: String {
        switch self {
        case .invalidJSON:
            return "the body is not valid JSON; send {\"request_id\": \"<x-triage-request-id of the answer>\", \"score\": -1, 0 or 1}"
        case .notAnObject:
            return "the body must be a JSON object: {\"request_id\": \"...\", \"score\": 1, \"label\": \"...\", \"comment\": \"...\"}"
        case .missingRequestID:
            return "request_id is missing or empty; use the x-triage-request-id header of the answer you are rating"
        case .missingScore:
            return "score is missing; send -1 (bad), 0 (neutral) or 1 (good), or any number in between"
        case .scoreOutOfRange(let score):
            return "score \(score) is out of range; it must be a number from -1 (bad) to 1 (good)"
        case .wrongType(let field, let expected):
            return "\(field) must be \(expected)"
        case .tooLong(let field, let limit):
            return "\(field) is longer than \(limit) characters"
        }
    }
}
