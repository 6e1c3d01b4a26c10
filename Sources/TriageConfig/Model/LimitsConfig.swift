/// Request limits (`limits:`).
public struct LimitsConfig: Sendable, Equatable {
    /// Largest accepted request body in bytes (`max_body_bytes`, default 4 MiB). Always `> 0`.
    public var maxBodyBytes: Int
    /// Most messages accepted in one request (`max_messages`, default 2048).
    public var maxMessages: Int
    /// Largest total size of the request's header fields in bytes (`max_header_bytes`, default
    /// 32 KiB); larger gets HTTP 431. (Above 80 KiB the HTTP parser itself refuses the request.)
    public var maxHeaderBytes: Int
    /// Deadline in seconds for a whole request, all attempts and the streamed answer included
    /// (`request_timeout`, default 900).
    public var requestTimeout: Double
    /// Feedback requests (`POST /v1/feedback`) one client may send per minute, with bursts of as
    /// many (`feedback_per_minute`, default 60); more get HTTP 429 with `retry-after`. A client is
    /// its key when `auth` is on, else its IP address.
    public var feedbackPerMinute: Int
    /// Seconds a keep-alive connection may sit between requests before it is closed
    /// (`idle_timeout`, default 75, like nginx's `keepalive_timeout`).
    public var idleTimeout: Double
    /// Seconds a client has to send a whole request head, counted from its first byte (or from
    /// the connection's start for its first request) (`header_timeout`, default 60, like nginx's
    /// `client_header_timeout`).
    public var headerTimeout: Double
    /// Seconds allowed between two reads of a request body before the connection is closed
    /// (`body_timeout`, default 60, like nginx's `client_body_timeout`).
    public var bodyTimeout: Double

    /// Creates a limits configuration.
    public init(
        maxBodyBytes: Int = 4 * 1024 * 1024, maxMessages: Int = 2048, requestTimeout: Double = 900, maxHeaderBytes: Int = 32 * 1024,
        feedbackPerMinute: Int = 60, idleTimeout: Double = 75, headerTimeout: Double = 60, bodyTimeout: Double = 60
    ) {
        self.feedbackPerMinute = feedbackPerMinute
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxMessages = maxMessages
        self.requestTimeout = requestTimeout
    }
}
