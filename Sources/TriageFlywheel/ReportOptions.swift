import Foundation

/// Inputs of ``ReportBuilder``.
public struct ReportOptions: Sendable {
    /// Only records at or after this instant.
    public var since: Date?
    /// Only records before this instant.
    public var until: Date?
    /// Token prices per backend name; used for the remote reference and for records without `cost_usd`.
    public var prices: [String: TokenPrice]
    /// The backend everything would go to without Triage (the savings reference); `nil` for no savings section.
    public var remoteBackend: String?
    /// The local deployment's fixed cost per month (GPU, hosting), USD; `nil` for no break-even.
    public var monthlyFixedCostUSD: Double?

    /// Creates options.
    public init(since: Date? = nil, until: Date? = nil, prices: [String: TokenPrice] = [:], remoteBackend: String? = nil, monthlyFixedCostUSD: Double? = nil) {
        self.since = since
        self.until = until
        self.prices = prices
        self.remoteBackend = remoteBackend
        self.monthlyFixedCostUSD = monthlyFixedCostUSD
    }
}
