/// Shadow comparisons (`shadow: {rate: 0.02, backend: remote, daily_cap_usd: 5}`).
///
/// A sampled fraction of the requests answered by another backend is also sent to `backend`
/// in the background; the client gets its answer without waiting, and the routing log line
/// records both answers side by side with their agreement.
public struct ShadowConfig: Sendable, Equatable {
    /// Fraction of eligible requests shadowed, 0...1 (`rate`).
    public var rate: Double
    /// Backend that answers the shadow copies (`backend`).
    public var backend: String
    /// Most USD spent on shadow copies per UTC day (`daily_cap_usd`); `nil`: no cap.
    public var dailyCapUSD: Double?
    /// The LLM judge of the shadow copies (`judge`); `nil`: word-set agreement only.
    public var judge: JudgeConfig?

    /// Creates a shadow configuration.
    public init(rate: Double, backend: String, dailyCapUSD: Double? = nil, judge: JudgeConfig? = nil) {
        self.rate = rate
        self.backend = backend
        self.dailyCapUSD = dailyCapUSD
        self.judge = judge
    }
}
