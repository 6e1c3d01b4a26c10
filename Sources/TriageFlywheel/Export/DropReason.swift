/// Why a log line did not become a training sample. Filters apply in this order; a record is
/// counted under the first reason that drops it.
public enum DropReason: String, Sendable, Codable, CodingKeyRepresentable, CaseIterable, Hashable {
    /// The line is not a complete routing record (torn, corrupt, too long).
    case unreadableLine = "unreadable_line"
    /// Served by a backend not in the backend filter (or not routed at all).
    case filteredBackend = "filtered_backend"
    /// Outside the time range, or its timestamp is unreadable while a range is set.
    case filteredTime = "filtered_time"
    /// Decided by a rule not in the rule filter.
    case filteredRule = "filtered_rule"
    /// Status outside the accepted range (2xx by default), an `error`, or an empty response.
    case failedStatus = "failed_status"
    /// No chat messages (embeddings, or a request rejected before parsing), or no user message for prompt/completion.
    case noConversation = "no_conversation"
    /// The request id has negative feedback.
    case negativeFeedback = "negative_feedback"
    /// Prompt plus response shorter than the minimum length.
    case tooShort = "too_short"
    /// Prompt plus response longer than the maximum length.
    case tooLong = "too_long"
    /// Same conversation and answer, after whitespace and case normalisation, as an earlier sample.
    case duplicateExact = "duplicate_exact"
    /// Conversation and answer MinHash-similar (at or above the threshold) to an earlier sample.
    case duplicateNear = "duplicate_near"
}
