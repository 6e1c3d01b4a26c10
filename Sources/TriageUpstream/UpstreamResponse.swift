/// The status line and headers of an upstream response, plus its streaming body.
///
/// HTTP error statuses (4xx, 5xx) are ordinary responses; only transport failures throw.
public struct UpstreamResponse: Sendable {
    /// HTTP status code of the final (non-1xx) response.
    public var status: Int
    /// Response headers in the order received, names spelled as received.
    public var headers: [(name: String, value: String)]
    /// The response body, streamed as curl receives it. Iterate it once.
    public var body: UpstreamBody

    /// Creates a response (useful for tests and mocks; `UpstreamClient` builds real ones).
    public init(status: Int, headers: [(name: String, value: String)], body: UpstreamBody) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Returns the value of the first header named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
