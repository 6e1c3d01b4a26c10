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
        headers.first { Self.equalIgnoringASCIICase($0.name, name) }?.value
    }

    /// Whether `a` and `b` are equal but for ASCII letter case (header names are ASCII), without
    /// building lowercased copies.
    static func equalIgnoringASCIICase(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        for (x, y) in zip(a.utf8, b.utf8) where x != y {
            guard x | 0x20 == y | 0x20, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(x | 0x20) else { return false }
        }
        return true
    }
}
