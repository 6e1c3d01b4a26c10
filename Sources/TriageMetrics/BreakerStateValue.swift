extension ProxyMetrics {
    /// A circuit breaker state as exported by the `triage_breaker_state{backend}` gauge.
    public enum BreakerStateValue: Int, Sendable {
        /// Requests flow normally (gauge value 0).
        case closed = 0
        /// Requests are refused without trying the backend (gauge value 1).
        case open = 1
        /// A trial request is allowed through to probe recovery (gauge value 2).
        case halfOpen = 2
    }
}
