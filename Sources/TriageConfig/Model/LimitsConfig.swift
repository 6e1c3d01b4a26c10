/// Request limits (`limits:`).
public struct LimitsConfig: Sendable, Equatable {
    /// Largest accepted request body in bytes (`max_body_bytes`, default 4 MiB). Always `> 0`.
    public var maxBodyBytes: Int
    /// Most messages accepted in one request (`max_messages`, default 2048).
    public var maxMessages: Int
    /// Deadline in seconds for a whole request, all attempts and the streamed answer included
    /// (`request_timeout`, default 900).
    public var requestTimeout: Double

    /// Creates a limits configuration.
    public init(maxBodyBytes: Int = 4 * 1024 * 1024, maxMessages: Int = 2048, requestTimeout: Double = 900) {
        self.maxBodyBytes = maxBodyBytes
        self.maxMessages = maxMessages
        self.requestTimeout = requestTimeout
    }
}
