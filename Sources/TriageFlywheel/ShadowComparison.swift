import TriageLog

/// The `shadow` member of a routing log record: the remote answer to a request that the local
/// backend served, sent in the background for comparison.
///
/// Decoded leniently from the raw log line (``LogStream`` does it), so records written before the
/// field existed, or with a partial/malformed `shadow` object, still read: a member that is
/// missing or has the wrong type is `nil`.
public struct ShadowComparison: Sendable, Codable, Equatable {
    /// The backend the shadow request went to (the remote reference).
    public var backend: String?
    /// The shadow answer's text.
    public var response: String?
    /// The shadow request's HTTP status.
    public var status: Int?
    /// How long the shadow request took, in milliseconds.
    public var latencyMs: Double?
    /// How well the local and shadow answers agree, 0 (not at all) ... 1 (same), when computed.
    public var agreement: Double?
    /// What the shadow request cost, in USD, when known.
    public var costUSD: Double?
    /// The LLM judge's grade of the local answer against this one, when judged.
    public var judge: RoutingLogRecord.Judgement?

    /// Creates a comparison.
    public init(
        backend: String? = nil, response: String? = nil, status: Int? = nil, latencyMs: Double? = nil, agreement: Double? = nil,
        costUSD: Double? = nil, judge: RoutingLogRecord.Judgement? = nil
    ) {
        self.backend = backend
        self.response = response
        self.status = status
        self.latencyMs = latencyMs
        self.agreement = agreement
        self.costUSD = costUSD
        self.judge = judge
    }

    enum CodingKeys: String, CodingKey {
        case backend, response, status, agreement, judge
        case latencyMs = "latency_ms"
        case costUSD = "cost_usd"
    }

    /// Decodes each member on its own, so one bad member does not lose the others.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        backend = try? container.decodeIfPresent(String.self, forKey: .backend)
        response = try? container.decodeIfPresent(String.self, forKey: .response)
        status = try? container.decodeIfPresent(Int.self, forKey: .status)
        latencyMs = try? container.decodeIfPresent(Double.self, forKey: .latencyMs)
        agreement = try? container.decodeIfPresent(Double.self, forKey: .agreement)
        costUSD = try? container.decodeIfPresent(Double.self, forKey: .costUSD)
        judge = try? container.decodeIfPresent(RoutingLogRecord.Judgement.self, forKey: .judge)
    }

    /// Whether the shadow request succeeded (2xx) with an answer.
    public var succeeded: Bool {
        guard let status, (200..<300).contains(status) else { return false }
        return !(response ?? "").isEmpty
    }
}
