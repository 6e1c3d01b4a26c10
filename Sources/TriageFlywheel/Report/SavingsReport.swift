import TriageConfig

/// Savings versus sending every request to the remote reference backend.
///
/// A request is *compared* when it was routed to a backend other than the reference and has token
/// usage. For each: `remote = prompt × in_ref / 1e6 + completion × out_ref / 1e6`, `actual =
/// cost_usd` (or the backend's own price, or 0), `saving = remote − actual`. Requests answered by
/// the reference itself (fallbacks included) save nothing and are not compared.
public struct SavingsReport: Sendable, Codable, Equatable {
    /// The reference backend.
    public var referenceBackend: String
    /// The reference's prices.
    public var referencePrice: BackendPricing
    /// Requests compared.
    public var comparedRequests: Int
    /// Non-reference requests without usage (failed before an answer), not compared.
    public var requestsWithoutUsage: Int
    /// Tokens (prompt + completion) of the compared requests.
    public var comparedTokens: Int
    /// What the compared requests would have cost at the reference, USD.
    public var remoteEquivalentCostUSD: Double
    /// What they cost, USD.
    public var actualCostUSD: Double
    /// `remoteEquivalentCostUSD − actualCostUSD`.
    public var savingsUSD: Double
    /// `savingsUSD / comparedRequests`, USD.
    public var savingsPerRequestUSD: Double?
    /// What shadow requests (the quality check) cost, USD; an expense of the local deployment.
    public var shadowCostUSD: Double
    /// `savingsUSD − shadowCostUSD`.
    public var netSavingsUSD: Double
    /// Break-even volume, when a monthly fixed cost was given.
    public var breakEven: BreakEven?

    enum CodingKeys: String, CodingKey {
        case referenceBackend = "reference_backend"
        case referencePrice = "reference_price"
        case comparedRequests = "compared_requests"
        case requestsWithoutUsage = "requests_without_usage"
        case comparedTokens = "compared_tokens"
        case remoteEquivalentCostUSD = "remote_equivalent_cost_usd"
        case actualCostUSD = "actual_cost_usd"
        case savingsUSD = "savings_usd"
        case savingsPerRequestUSD = "savings_per_request_usd"
        case shadowCostUSD = "shadow_cost_usd"
        case netSavingsUSD = "net_savings_usd"
        case breakEven = "break_even"
    }

    /// Creates a savings section.
    public init(referenceBackend: String, referencePrice: BackendPricing, comparedRequests: Int, requestsWithoutUsage: Int, comparedTokens: Int, remoteEquivalentCostUSD: Double, actualCostUSD: Double, savingsUSD: Double, savingsPerRequestUSD: Double?, shadowCostUSD: Double, netSavingsUSD: Double, breakEven: BreakEven?) {
        self.referenceBackend = referenceBackend
        self.referencePrice = referencePrice
        self.comparedRequests = comparedRequests
        self.requestsWithoutUsage = requestsWithoutUsage
        self.comparedTokens = comparedTokens
        self.remoteEquivalentCostUSD = remoteEquivalentCostUSD
        self.actualCostUSD = actualCostUSD
        self.savingsUSD = savingsUSD
        self.savingsPerRequestUSD = savingsPerRequestUSD
        self.shadowCostUSD = shadowCostUSD
        self.netSavingsUSD = netSavingsUSD
        self.breakEven = breakEven
    }
}
