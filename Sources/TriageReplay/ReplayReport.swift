/// What `triage replay` found: the recorded decisions against the candidate's, with cost and the
/// quality the log's labels project. Encoded as `--json` (snake_case keys).
public struct ReplayReport: Sendable, Codable, Equatable {
    /// Requests per backend (or per rule) before (as recorded) and after (as the candidate decides).
    public struct Share: Sendable, Codable, Equatable {
        public var name: String
        public var before: Int
        public var after: Int
    }

    /// Requests that move from one backend to another.
    public struct Move: Sendable, Codable, Equatable {
        public var from: String
        public var to: String
        public var count: Int
    }

    /// One moved request, with both reasons.
    public struct Example: Sendable, Codable, Equatable {
        public var id: String
        public var timestamp: String
        public var prompt: String
        public var from: String
        public var to: String
        public var reasonBefore: String
        public var reasonAfter: String
        /// The label the log gives the request (1 = the local answer was not good enough), if any.
        public var label: Int?

        enum CodingKeys: String, CodingKey {
            case id, prompt, from, to, label
            case timestamp = "ts"
            case reasonBefore = "reason_before"
            case reasonAfter = "reason_after"
        }
    }

    /// Cost of the replayed requests at the candidate's prices.
    public struct Cost: Sendable, Codable, Equatable {
        /// The backend "everything remote" is costed at, if the candidate has one.
        public var compareTo: String?
        /// What the log says the requests cost (`cost_usd`, at the prices of the day).
        public var recordedUSD: Double
        /// The recorded backends at the candidate's prices.
        public var beforeUSD: Double
        /// The candidate's backends at its prices.
        public var afterUSD: Double
        /// Everything on `compareTo` at its prices.
        public var allRemoteUSD: Double?
        /// Requests whose tokens are estimated (no `usage` in the record).
        public var estimatedTokens: Int

        enum CodingKeys: String, CodingKey {
            case compareTo = "compare_to"
            case recordedUSD = "recorded_usd"
            case beforeUSD = "before_usd"
            case afterUSD = "after_usd"
            case allRemoteUSD = "all_remote_usd"
            case estimatedTokens = "estimated_tokens"
        }
    }

    /// The projected quality, from the records the label rules of `export --labels` label.
    public struct Quality: Sendable, Codable, Equatable {
        /// Labelled records replayed.
        public var labelled = 0
        /// Labelled records per label rule (`negative_feedback`, `shadow_agreed`, ...).
        public var perRule: [String: Int] = [:]
        /// Label 1: the local model was not good enough (negative feedback on a local answer, a
        /// local failure that fell back, a shadow disagreement).
        public var knownBad = 0
        /// Known-bad requests the candidate sends to a non-local backend.
        public var badNowRemote = 0
        /// Known-bad requests the candidate still sends to the local backend.
        public var badStillLocal = 0
        /// Label 0: the local answer was good (positive feedback, shadow agreement).
        public var knownGood = 0
        /// Known-good requests the candidate sends away from the local backend.
        public var goodNowRemote = 0
        /// Known-good requests the candidate keeps local.
        public var goodStillLocal = 0

        enum CodingKeys: String, CodingKey {
            case labelled
            case perRule = "per_rule"
            case knownBad = "known_bad"
            case badNowRemote = "bad_now_remote"
            case badStillLocal = "bad_still_local"
            case knownGood = "known_good"
            case goodNowRemote = "good_now_remote"
            case goodStillLocal = "good_still_local"
        }
    }

    /// The candidate config file.
    public var config: String
    /// The log read (its rotated files too).
    public var log: String
    /// The backend(s) counted as local for the labels.
    public var localBackends: [String]
    /// Records read.
    public var read = 0
    /// Records re-decided.
    public var replayed = 0
    /// Records without messages or rejected before routing (nothing to re-decide).
    public var notReplayable = 0
    /// Records outside `--since` / `--until`.
    public var outsideRange = 0
    /// Lines that are not complete records (a torn last line, damage).
    public var unreadableLines = 0
    /// Replayed requests whose model the candidate does not offer (`models`): it would answer 404.
    public var rejectedModel = 0
    /// Replayed requests whose recorded rule matched a header: headers are not logged, so the
    /// header is taken to be present (see README).
    public var headerAssumed = 0
    /// Replayed requests whose backend changes.
    public var moved = 0
    /// Replayed requests whose rule changes.
    public var ruleChanged = 0
    public var backends: [Share] = []
    public var rules: [Share] = []
    public var moves: [Move] = []
    public var examples: [Example] = []
    public var cost: Cost
    public var quality = Quality()

    enum CodingKeys: String, CodingKey {
        case config, log, read, replayed, moved, backends, rules, moves, examples, cost, quality
        case localBackends = "local_backends"
        case notReplayable = "not_replayable"
        case outsideRange = "outside_range"
        case unreadableLines = "unreadable_lines"
        case rejectedModel = "rejected_model"
        case headerAssumed = "header_assumed"
        case ruleChanged = "rule_changed"
    }
}
