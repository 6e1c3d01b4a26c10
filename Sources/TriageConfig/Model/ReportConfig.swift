/// Settings for `triage report` (`report: {compare_to: remote, monthly_fixed_cost_usd: 1200}`).
public struct ReportConfig: Sendable, Equatable {
    /// The backend whose prices "everything to the remote model" is costed at (`compare_to`);
    /// default: `auto.remote`, else a backend named `remote`.
    public var compareTo: String?
    /// Monthly fixed cost of the local deployment in USD (`monthly_fixed_cost_usd`), for the
    /// break-even volume.
    public var monthlyFixedCostUSD: Double?

    /// Creates a report configuration.
    public init(compareTo: String? = nil, monthlyFixedCostUSD: Double? = nil) {
        self.compareTo = compareTo
        self.monthlyFixedCostUSD = monthlyFixedCostUSD
    }
}
