/// A request-header condition (`header: {name: x-team, value: search}`).
public struct HeaderMatch: Sendable, Equatable {
    /// Header name, stored lowercased; compared case-insensitively.
    public var name: String
    /// Required value (compared exactly), or `nil` to only require the header to be present.
    public var value: String?

    /// Creates a header condition; `name` is lowercased.
    public init(name: String, value: String? = nil) {
        self.name = name.lowercased()
        self.value = value
    }
}
