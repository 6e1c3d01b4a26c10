/// Traffic, latency, tokens, cost and errors of one backend in a ``Report``.
public struct BackendReport: Sendable, Codable, Equatable {
    /// Backend name; `(rejected)` for requests refused before routing.
    public var name: String
    /// Requests answered (or failed) by the backend.
    public var requests: Int
    /// Share of all requests, in percent.
    public var sharePercent: Double
    /// Requests with a status ≥ 400 or an error.
    public var errors: Int
    /// Streamed requests.
    public var streams: Int
    /// Total latency percentiles (ms); `nil` with no requests.
    public var latencyMs: Percentiles?
    /// Time-to-first-token percentiles of streamed requests (ms); `nil` without streams.
    public var ttftMs: Percentiles?
    /// Prompt tokens.
    public var promptTokens: Int
    /// Completion tokens.
    public var completionTokens: Int
    /// Cost in USD (`cost_usd` as logged, else computed from the backend's price when given).
    public var costUSD: Double

    enum CodingKeys: String, CodingKey {
        case name
        case requests
        case sharePercent = "share_percent"
        case errors
        case streams
        case latencyMs = "latency_ms"
        case ttftMs = "ttft_ms"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case costUSD = "cost_usd"
    }

    /// Creates a backend section.
    public init(name: String, requests: Int, sharePercent: Double, errors: Int, streams: Int, latencyMs: Percentiles?, ttftMs: Percentiles?, promptTokens: Int, completionTokens: Int, costUSD: Double) {
        self.name = name
        self.requests = requests
        self.sharePercent = sharePercent
        self.errors = errors
        self.streams = streams
        self.latencyMs = latencyMs
        self.ttftMs = ttftMs
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.costUSD = costUSD
    }
}
