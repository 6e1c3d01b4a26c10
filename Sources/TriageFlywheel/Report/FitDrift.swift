/// The reference's own distribution of calibrated fit (its held-out prompts scored against the
/// rest, `CalibrationTable.heldOutFits` in TriageClassifier), which live fits are compared with.
public struct FitDriftReference: Sendable, Equatable {
    /// The held-out fits, binned.
    public let histogram: FitHistogram
    /// Their shares in the PSI's bins.
    public let shares: [Double]

    /// A reference from the held-out fits of the index.
    public init(heldOutFits: [Double]) {
        histogram = FitHistogram(heldOutFits)
        shares = histogram.shares(bins: DriftStatistics.psiBins)
    }

    /// The drift of `live` fits from this reference, with the share below `minFit`.
    public func summary(of live: FitHistogram, minFit: Double?) -> FitDriftSummary {
        let below = minFit.map { live.count(below: $0) }
        let share = below.map { live.total > 0 ? Double($0) / Double(live.total) : 0 }
        guard live.total > 0, histogram.total > 0 else {
            return FitDriftSummary(requests: live.total, belowMinFit: below, belowMinFitShare: share, psi: nil, ks: nil, drifting: false)
        }
        let psi = DriftStatistics.psi(expected: shares, actual: live.shares(bins: DriftStatistics.psiBins))
        let ks = DriftStatistics.ks(histogram, live)
        let significant = ks > DriftStatistics.ksCritical(histogram.total, live.total)
        let drifting = psi >= DriftStatistics.psiDrift || (ks > DriftStatistics.ksDrift && significant)
        return FitDriftSummary(requests: live.total, belowMinFit: below, belowMinFitShare: share, psi: psi, ks: ks, drifting: drifting)
    }
}

/// Drift of a set of live fits from the reference (see ``DriftStatistics`` for the thresholds).
public struct FitDriftSummary: Sendable, Codable, Equatable {
    /// Requests with a fit score.
    public var requests: Int
    /// Of them, below `min_fit` (nil when no threshold was given).
    public var belowMinFit: Int?
    /// `belowMinFit / requests`.
    public var belowMinFitShare: Double?
    /// Population stability index against the reference; nil without fits or reference.
    public var psi: Double?
    /// Kolmogorov–Smirnov statistic against the reference; nil without fits or reference.
    public var ks: Double?
    /// PSI ≥ 0.25, or KS > 0.2 and significant at 1 %.
    public var drifting: Bool

    enum CodingKeys: String, CodingKey {
        case requests
        case belowMinFit = "below_min_fit"
        case belowMinFitShare = "below_min_fit_share"
        case psi, ks, drifting
    }

    /// Creates a summary.
    public init(requests: Int, belowMinFit: Int?, belowMinFitShare: Double?, psi: Double?, ks: Double?, drifting: Bool) {
        self.requests = requests
        self.belowMinFit = belowMinFit
        self.belowMinFitShare = belowMinFitShare
        self.psi = psi
        self.ks = ks
        self.drifting = drifting
    }
}
