/// The volume at which a local deployment pays for itself.
///
/// With `F` the monthly fixed cost, `S` the total savings of the compared requests, `n` their
/// number and `T` their tokens (prompt + completion):
///
///     savings per request  s = S / n
///     requests per month   N = F / s            (nil when s ≤ 0: it never pays)
///     tokens per month     M = F / (S / T)      (nil when S ≤ 0)
///     observed per month   n_m = n × 30 / days  (days: the report's period, nil when 0)
///     net per month        n_m × s − F
public struct BreakEven: Sendable, Codable, Equatable {
    /// The fixed cost per month, USD.
    public var monthlyFixedCostUSD: Double
    /// Requests per month at which savings equal the fixed cost.
    public var requestsPerMonth: Double?
    /// Tokens per month at which savings equal the fixed cost.
    public var tokensPerMonth: Double?
    /// The compared (non-remote) requests of the period, scaled to a 30-day month.
    public var observedRequestsPerMonth: Double?
    /// Savings minus fixed cost at the observed monthly volume, USD.
    public var netPerMonthUSD: Double?

    enum CodingKeys: String, CodingKey {
        case monthlyFixedCostUSD = "monthly_fixed_cost_usd"
        case requestsPerMonth = "requests_per_month"
        case tokensPerMonth = "tokens_per_month"
        case observedRequestsPerMonth = "observed_requests_per_month"
        case netPerMonthUSD = "net_per_month_usd"
    }

    /// Creates a break-even section.
    public init(monthlyFixedCostUSD: Double, requestsPerMonth: Double?, tokensPerMonth: Double?, observedRequestsPerMonth: Double?, netPerMonthUSD: Double?) {
        self.monthlyFixedCostUSD = monthlyFixedCostUSD
        self.requestsPerMonth = requestsPerMonth
        self.tokensPerMonth = tokensPerMonth
        self.observedRequestsPerMonth = observedRequestsPerMonth
        self.netPerMonthUSD = netPerMonthUSD
    }
}
