/// One HTTP request to send to an upstream server.
public struct UpstreamRequest: Sendable {
    /// Absolute `http://` or `https://` URL.
    public var url: String
    /// HTTP method, e.g. `"POST"` or `"GET"`.
    public var method: String
    /// Request headers, sent in order. An empty value sends the header with no value.
    /// Names and values must not contain CR or LF.
    public var headers: [(name: String, value: String)]
    /// Request body bytes (sent with a `Content-Length`). Empty means no body for GET/HEAD.
    public var body: [UInt8]
    /// Time limits for this request.
    public var timeouts: UpstreamTimeouts
    /// Aborts this transfer when cancelled from elsewhere (optional).
    public var cancellation: UpstreamCancellation?
    /// Slots this request must get one of before it is handed to curl (optional).
    public var connectionLimit: ConnectionLimit?

    /// Creates a request.
    /// - Parameters:
    ///   - url: absolute `http://` or `https://` URL.
    ///   - method: HTTP method (default `"POST"`).
    ///   - headers: request headers in order.
    ///   - body: request body bytes.
    ///   - timeouts: time limits for the transfer.
    ///   - cancellation: aborts the transfer when cancelled from elsewhere.
    ///   - connectionLimit: slots to wait for before the transfer starts.
    public init(
        url: String,
        method: String = "POST",
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        timeouts: UpstreamTimeouts = .init(),
        cancellation: UpstreamCancellation? = nil,
        connectionLimit: ConnectionLimit? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.cancellation = cancellation
        self.connectionLimit = connectionLimit
    }
}
