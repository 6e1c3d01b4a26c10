/// What ``ShadowSampler/shouldShadow(requestID:estimatedCostUSD:now:)`` decided.
public enum ShadowDecision: Sendable, Equatable {
    /// Send the shadow request; `reservedUSD` was reserved against today's cap and must be
    /// released with ``ShadowSampler/recordSpend(_:releasing:now:)`` once the actual cost is known.
    case shadow(reservedUSD: Double)
    /// The request id is not in the sample.
    case notSampled
    /// Sampled, but the estimated cost would take today's spend over the cap.
    case overDailyCap(spentUSD: Double, capUSD: Double)

    /// Whether to send the shadow request.
    public var shouldShadow: Bool {
        if case .shadow = self { return true }
        return false
    }
}
