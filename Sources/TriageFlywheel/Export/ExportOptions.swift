import Foundation

/// What ``Exporter`` keeps and how it writes it. Every filter is optional.
public struct ExportOptions: Sendable {
    /// Line format.
    public var format: ExportFormat
    /// Keep only records served by one of these backends; `nil` for any.
    public var backends: Set<String>?
    /// Keep only records at or after this instant.
    public var since: Date?
    /// Keep only records before this instant.
    public var until: Date?
    /// Keep only records decided by one of these rules; `nil` for any. `(default)` matches records without a rule.
    public var rules: Set<String>?
    /// Accepted HTTP statuses; a record must also have no `error` and a non-empty response.
    public var statuses: ClosedRange<Int>
    /// Request ids to leave out (negative feedback, see ``FeedbackIndex/negativeIDs``).
    public var excludedIDs: Set<String>
    /// Minimum length, in Unicode scalars, of the prompt side (all message texts) plus the response.
    public var minLength: Int?
    /// Maximum length, in Unicode scalars, of the prompt side plus the response.
    public var maxLength: Int?
    /// Drop exact duplicates (normalised whitespace and case of conversation plus answer).
    public var dedupeExact: Bool
    /// Near-duplicate threshold (MinHash over word 3-shingles of conversation plus answer); `nil` turns it off.
    public var nearDuplicateThreshold: Double?
    /// Train/validation/test fractions.
    public var split: SplitFractions

    /// Creates options: chat format, successful answers only, both dedupes on (near at 0.9), 0.9/0.05/0.05.
    public init(
        format: ExportFormat = .chat, backends: Set<String>? = nil, since: Date? = nil, until: Date? = nil,
        rules: Set<String>? = nil, statuses: ClosedRange<Int> = 200...299, excludedIDs: Set<String> = [],
        minLength: Int? = nil, maxLength: Int? = nil, dedupeExact: Bool = true,
        nearDuplicateThreshold: Double? = 0.9, split: SplitFractions = .standard
    ) {
        self.format = format
        self.backends = backends
        self.since = since
        self.until = until
        self.rules = rules
        self.statuses = statuses
        self.excludedIDs = excludedIDs
        self.minLength = minLength
        self.maxLength = maxLength
        self.dedupeExact = dedupeExact
        self.nearDuplicateThreshold = nearDuplicateThreshold
        self.split = split
    }
}
