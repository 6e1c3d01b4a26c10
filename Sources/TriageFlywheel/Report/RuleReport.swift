/// Traffic decided by one rule in a ``Report``.
public struct RuleReport: Sendable, Codable, Equatable {
    /// Rule name; `(default)` for routed requests no rule matched, `(rejected)` for requests refused before routing.
    public var name: String
    /// Requests.
    public var requests: Int
    /// Share of all requests, in percent.
    public var sharePercent: Double

    enum CodingKeys: String, CodingKey {
        case name
        case requests
        case sharePercent = "share_percent"
    }

    /// Creates a rule section.
    public init(name: String, requests: Int, sharePercent: Double) {
        self.name = name
        self.requests = requests
        self.sharePercent = sharePercent
    }
}
