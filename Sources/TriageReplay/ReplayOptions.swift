import Foundation
import TriageFlywheel

/// Inputs of ``Replayer`` besides the candidate config.
public struct ReplayOptions: Sendable {
    /// Only records at or after this instant.
    public var since: Date?
    /// Only records before this instant.
    public var until: Date?
    /// How many moved requests to show as examples (`--show`).
    public var examples: Int
    /// The label definitions of `triage export --labels` (local backends, feedback ids, shadow
    /// thresholds): labelled records give the projected quality.
    public var labels: LabelOptions

    /// Creates options.
    public init(since: Date? = nil, until: Date? = nil, examples: Int = 5, labels: LabelOptions) {
        self.since = since
        self.until = until
        self.examples = max(0, examples)
        self.labels = labels
    }
}
