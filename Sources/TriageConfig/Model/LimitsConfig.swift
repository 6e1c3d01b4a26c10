/// Request limits (`limits: {max_body_bytes: 4194304}`).
public struct LimitsConfig: Sendable, Equatable {
    /// Largest accepted request body in bytes (`max_body_bytes`, default 4 MiB). Always `> 0`.
    public var maxBodyBytes: Int

    /// Creates a limits configuration.
    public init(maxBodyBytes: Int = 4 * 1024 * 1024) {
        self.maxBodyBytes = maxBodyBytes
    }
}
