/// When a failed attempt at a backend is tried again on its fallback (`retry:` of a backend).
///
/// Only failures before the first byte of the answer reaches the client are retried: once a
/// stream has started, two models' answers are never spliced.
public struct RetryPolicy: Sendable, Equatable {
    /// Total attempts for one request, counting the first (`max_attempts`).
    /// Default: 2 when the backend has a `fallback`, else 1.
    public var maxAttempts: Int
    /// Retry when the connection could not be made (`connect` in `on`).
    public var onConnectError: Bool
    /// Retry when the backend timed out (`timeout` in `on`).
    public var onTimeout: Bool
    /// HTTP statuses that are retried (`429`, `5xx` or single codes in `on`).
    public var statuses: Set<Int>

    /// The statuses retried by default: 429 and every 5xx.
    public static let defaultStatuses: Set<Int> = Set([429] + Array(500...599))

    /// Creates a policy.
    public init(maxAttempts: Int = 1, onConnectError: Bool = true, onTimeout: Bool = true, statuses: Set<Int> = RetryPolicy.defaultStatuses) {
        self.maxAttempts = maxAttempts
        self.onConnectError = onConnectError
        self.onTimeout = onTimeout
        self.statuses = statuses
    }
}
