/// Status and headers of an upstream response, handed from the event-loop thread to
/// `execute`, or to an `UpstreamResponseHandler` in the first `UpstreamDelivery`.
public struct ResponseHead: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Response headers in arrival order (names as sent).
    public var headers: [(name: String, value: String)]

    /// Creates a head from a status and headers.
    public init(status: Int, headers: [(name: String, value: String)]) {
        self.status = status
        self.headers = headers
    }
}
