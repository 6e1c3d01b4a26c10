/// The latest feedback per request id, as loaded by ``FeedbackStore/load(path:onSkip:)``.
public struct FeedbackIndex: Sendable, Equatable {
    /// The latest feedback (last line in the file) for each request id.
    public var latest: [String: Feedback]
    /// Lines skipped because they are not valid feedback.
    public var skippedLines: Int

    /// Creates an index.
    public init(latest: [String: Feedback] = [:], skippedLines: Int = 0) {
        self.latest = latest
        self.skippedLines = skippedLines
    }

    /// Ids whose latest score is below 0 (to exclude from export, to label 1).
    public var negativeIDs: Set<String> { Set(latest.values.filter(\.isNegative).map(\.requestID)) }
    /// Ids whose latest score is above 0.
    public var positiveIDs: Set<String> { Set(latest.values.filter(\.isPositive).map(\.requestID)) }
}
