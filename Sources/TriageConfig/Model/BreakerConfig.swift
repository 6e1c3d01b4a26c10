/// The circuit breaker of one backend (`breaker: {failures: 5, cooldown: 30}`).
///
/// After `failures` consecutive failed attempts the backend is skipped for `cooldown` seconds
/// (its traffic goes to its fallback); then one probe request is let through (half-open), and
/// its success closes the breaker again.
public struct BreakerConfig: Sendable, Equatable {
    /// Consecutive failures that open the breaker (`failures`, default 5; 0 disables the breaker).
    public var failures: Int
    /// Seconds the breaker stays open before a probe is let through (`cooldown`, default 30).
    public var cooldown: Double

    /// Creates a breaker configuration.
    public init(failures: Int = 5, cooldown: Double = 30) {
        self.failures = failures
        self.cooldown = cooldown
    }
}
