/// Graceful shutdown (`shutdown: {grace_seconds: 30}`).
public struct ShutdownConfig: Sendable, Equatable {
    /// On SIGTERM/SIGINT, how long in-flight requests (streams included) may take to finish
    /// before they are cut off (`grace_seconds`, default 30).
    public var graceSeconds: Double

    /// Creates a shutdown configuration.
    public init(graceSeconds: Double = 30) {
        self.graceSeconds = graceSeconds
    }
}
