/// The classifier part of a ``Report``: thresholds, fit drift per day, and the dashboard's timeline.
public struct ReportClassifier: Sendable, Codable, Equatable {
    /// `auto.min_fit`, when known.
    public var minFit: Double?
    /// `auto.max_complexity`, when known.
    public var maxComplexity: Double?
    /// Held-out reference prompts the drift is measured against (nil: no reference, so no PSI/KS).
    public var referenceHeldOut: Int?
    /// Fit drift per UTC day, oldest first (days with classified requests).
    public var driftByDay: [DriftDay]
    /// Counts per time bucket and score histograms, when asked for (the dashboard).
    public var timeline: ReportTimeline?

    enum CodingKeys: String, CodingKey {
        case minFit = "min_fit"
        case maxComplexity = "max_complexity"
        case referenceHeldOut = "reference_held_out"
        case driftByDay = "drift_by_day"
        case timeline
    }

    /// Creates the section.
    public init(minFit: Double?, maxComplexity: Double?, referenceHeldOut: Int?, driftByDay: [DriftDay], timeline: ReportTimeline?) {
        self.minFit = minFit
        self.maxComplexity = maxComplexity
        self.referenceHeldOut = referenceHeldOut
        self.driftByDay = driftByDay
        self.timeline = timeline
    }
}

/// The fit drift of one UTC day.
public struct DriftDay: Sendable, Codable, Equatable {
    /// `YYYY-MM-DD`.
    public var day: String
    /// The day's fits against the reference.
    public var drift: FitDriftSummary

    /// Creates a day.
    public init(day: String, drift: FitDriftSummary) {
        self.day = day
        self.drift = drift
    }
}
