import Foundation
import TriageConfig

/// Inputs of ``ReportBuilder``.
public struct ReportOptions: Sendable {
    /// Only records at or after this instant.
    public var since: Date?
    /// Only records before this instant.
    public var until: Date?
    /// Token prices per backend name; used for the remote reference and for records without `cost_usd`.
    public var prices: [String: BackendPricing]
    /// The backend everything would go to without Triage (the savings reference); `nil` for no savings section.
    public var remoteBackend: String?
    /// The local deployment's fixed cost per month (GPU, hosting), USD; `nil` for no break-even.
    public var monthlyFixedCostUSD: Double?
    /// `auto.min_fit`, for the share of classified requests below it (drift section).
    public var minFit: Double?
    /// `auto.max_complexity`, carried to the report for the dashboard's threshold line.
    public var maxComplexity: Double?
    /// The reference's own fit distribution, for the per-day drift; `nil` leaves PSI/KS out.
    public var driftReference: FitDriftReference?
    /// With a value, the report carries a ``ReportTimeline`` in buckets of this many seconds.
    public var bucketSeconds: Int?

    /// Creates options.
    public init(since: Date? = nil, until: Date? = nil, prices: [String: BackendPricing] = [:], remoteBackend: String? = nil, monthlyFixedCostUSD: Double? = nil) {
        self.since = since
        self.until = until
        self.prices = prices
        self.remoteBackend = remoteBackend
        self.monthlyFixedCostUSD = monthlyFixedCostUSD
    }
}
