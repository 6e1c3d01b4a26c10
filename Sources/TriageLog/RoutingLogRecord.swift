import Foundation
import TriageJSON

/// One line of the routing log: everything known about one request and its answer.
///
/// Records are written as one JSON object per line (JSONL). Field names are snake_case so
/// that `jq`, pandas and fine-tuning scripts read them without mapping.
public struct RoutingLogRecord: Sendable, Codable, Equatable {
    /// The classifier's scores for a `route: auto` request, and which one decided.
    public struct Scores: Sendable, Codable, Equatable {
        /// Calibrated distribution fit in [0, 1]; `nil` without a reference file.
        public var fit: Double?
        /// Raw similarity to the nearest reference prompts (mean top-k cosine).
        public var similarity: Double?
        /// Probability that the prompt needs the large model, in [0, 1].
        public var complexity: Double
        /// `none` (stayed local), `fit`, `complexity` or `both` (which score sent it remote).
        public var decidedBy: String
        /// Microseconds spent scoring.
        public var micros: Double

        public init(fit: Double?, similarity: Double?, complexity: Double, decidedBy: String, micros: Double) {
            self.fit = fit
            self.similarity = similarity
            self.complexity = complexity
            self.decidedBy = decidedBy
            self.micros = micros
        }

        enum CodingKeys: String, CodingKey {
            case fit, similarity, complexity, micros
            case decidedBy = "decided_by"
        }

        /// Writes the scores as a JSON object (keys sorted, absent members left out).
        func write(to out: inout JSONWriter) {
            out.beginObject()
            out.key(CodingKeys.complexity); out.number(complexity)
            out.key(CodingKeys.decidedBy); out.string(decidedBy)
            if let fit { out.key(CodingKeys.fit); out.number(fit) }
            out.key(CodingKeys.micros); out.number(micros)
            if let similarity { out.key(CodingKeys.similarity); out.number(similarity) }
            out.endObject()
        }
    }

    /// A shadow copy of the request answered by another backend, side by side with the answer.
    public struct Shadow: Sendable, Codable, Equatable {
        public var backend: String
        public var status: Int?
        public var response: String?
        public var error: String?
        public var latencyMs: Double
        /// Word-set (Jaccard) agreement of the two answers, 0...1.
        public var agreement: Double?
        public var costUSD: Double?
        /// The LLM judge's grade of the two answers (`shadow.judge` in routes.yaml); absent in
        /// records of requests not judged, and in records written before judging existed.
        public var judge: Judgement?

        public init(
            backend: String = "", status: Int? = nil, response: String? = nil, error: String? = nil, latencyMs: Double = 0,
            agreement: Double? = nil, costUSD: Double? = nil, judge: Judgement? = nil
        ) {
            self.backend = backend
            self.status = status
            self.response = response
            self.error = error
            self.latencyMs = latencyMs
            self.agreement = agreement
            self.costUSD = costUSD
            self.judge = judge
        }

        enum CodingKeys: String, CodingKey {
            case backend, status, response, error, agreement, judge
            case latencyMs = "latency_ms"
            case costUSD = "cost_usd"
        }

        /// Whether the shadow request succeeded (2xx) with an answer.
        public var succeeded: Bool {
            guard let status, (200..<300).contains(status) else { return false }
            return !(response ?? "").isEmpty
        }

        /// Writes the comparison as a JSON object (keys sorted, absent members left out).
        func write(to out: inout JSONWriter) {
            out.beginObject()
            if let agreement { out.key(CodingKeys.agreement); out.number(agreement) }
            out.key(CodingKeys.backend); out.string(backend)
            if let costUSD { out.key(CodingKeys.costUSD); out.number(costUSD) }
            if let error { out.key(CodingKeys.error); out.string(error) }
            if let judge { out.key(CodingKeys.judge); judge.write(to: &out) }
            out.key(CodingKeys.latencyMs); out.number(latencyMs)
            if let response { out.key(CodingKeys.response); out.string(response) }
            if let status { out.key(CodingKeys.status); out.number(status) }
            out.endObject()
        }

        /// Decodes leniently: a malformed member is left out rather than losing the whole record.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            backend = (try? container.decodeIfPresent(String.self, forKey: .backend)) ?? nil ?? ""
            status = (try? container.decodeIfPresent(Int.self, forKey: .status)) ?? nil
            response = (try? container.decodeIfPresent(String.self, forKey: .response)) ?? nil
            error = (try? container.decodeIfPresent(String.self, forKey: .error)) ?? nil
            latencyMs = (try? container.decodeIfPresent(Double.self, forKey: .latencyMs)) ?? nil ?? 0
            agreement = (try? container.decodeIfPresent(Double.self, forKey: .agreement)) ?? nil
            costUSD = (try? container.decodeIfPresent(Double.self, forKey: .costUSD)) ?? nil
            judge = (try? container.decodeIfPresent(Judgement.self, forKey: .judge)) ?? nil
        }
    }

    /// Request id, also returned to the client in the `x-triage-request-id` header.
    public var id: String
    /// When the request arrived, ISO 8601 with milliseconds, UTC.
    public var timestamp: String
    /// The API path the client called, e.g. `/v1/chat/completions`.
    public var endpoint: String
    /// The model name the client asked for (a virtual model of the proxy).
    public var clientModel: String?
    /// Whether the client asked for a streamed (SSE) answer.
    public var stream: Bool
    /// The backend the request went to; `nil` when it was rejected before routing.
    public var backend: String?
    /// The model name sent to the backend.
    public var upstreamModel: String?
    /// The rule that decided the route, if one matched.
    public var rule: String?
    /// Why the request went where it went (or why it was rejected), in words.
    public var reason: String
    /// HTTP status returned to the client.
    public var status: Int
    /// The error message returned to the client, for failed requests.
    public var error: String?
    /// Total time from the request's arrival to the last byte of the answer, in milliseconds.
    public var latencyMs: Double
    /// Time from the request's arrival to the first byte of the answer's body, in milliseconds.
    public var ttftMs: Double?
    /// Embeddings requests: the length of each returned vector (the vectors are not logged).
    public var dimensions: Int?
    /// Token usage of the request.
    public var usage: Usage?
    /// Cost in USD from the backend's configured prices.
    public var costUSD: Double?
    /// The request's messages, exactly as the client sent them.
    public var messages: JSONValue?
    /// The full answer text (a streamed answer reassembled).
    public var response: String?
    /// The answer's finish reason (`stop`, `length`, ...), when known.
    public var finishReason: String?
    /// Every attempt, when there was more than one or a backend was skipped (fallbacks, breaker).
    public var attempts: [Attempt]?
    /// The classifier's scores, for requests it routed.
    public var scores: Scores?
    /// The shadow comparison, for sampled requests.
    public var shadow: Shadow?
    /// Sensitive data found and what the privacy guard did, when anything was found.
    public var privacy: Privacy?
    /// The replica that served the request (`TRIAGE_REPLICA`, else `host:pid`): with several
    /// replicas on one database, the dashboard counts each one's share.
    public var replica: String?

    public init(
        id: String, timestamp: String, endpoint: String, clientModel: String? = nil, stream: Bool = false,
        backend: String? = nil, upstreamModel: String? = nil, rule: String? = nil, reason: String,
        status: Int, error: String? = nil, latencyMs: Double, ttftMs: Double? = nil, usage: Usage? = nil,
        costUSD: Double? = nil, messages: JSONValue? = nil, response: String? = nil, finishReason: String? = nil
    ) {
        self.id = id
        self.timestamp = timestamp
        self.endpoint = endpoint
        self.clientModel = clientModel
        self.stream = stream
        self.backend = backend
        self.upstreamModel = upstreamModel
        self.rule = rule
        self.reason = reason
        self.status = status
        self.error = error
        self.latencyMs = latencyMs
        self.ttftMs = ttftMs
        self.usage = usage
        self.costUSD = costUSD
        self.messages = messages
        self.response = response
        self.finishReason = finishReason
    }

    enum CodingKeys: String, CodingKey {
        case id
        case timestamp = "ts"
        case endpoint
        case clientModel = "client_model"
        case stream
        case backend
        case upstreamModel = "upstream_model"
        case rule
        case reason
        case status
        case error
        case latencyMs = "latency_ms"
        case ttftMs = "ttft_ms"
        case dimensions
        case usage
        case costUSD = "cost_usd"
        case messages
        case response
        case finishReason = "finish_reason"
        case attempts
        case scores
        case shadow
        case privacy
        case replica
    }

    /// Encodes the record as one line of JSON (keys sorted, absent fields left out), newline included.
    ///
    /// Written by hand with ``JSONWriter`` rather than `JSONEncoder`: this runs once per request.
    public func jsonLine() -> [UInt8] {
        var out = JSONWriter(capacity: estimatedSize + 64)
        writeJSONLine(to: &out)
        return out.bytes
    }

    /// Appends the record as one line of JSON, newline included, to `out` (the routing log
    /// writer encodes a whole batch into one buffer this way).
    public func writeJSONLine(to out: inout JSONWriter) {
        out.beginObject()
        if let attempts { out.key(CodingKeys.attempts); out.array(attempts) { out, attempt in attempt.write(to: &out) } }
        if let backend { out.key(CodingKeys.backend); out.string(backend) }
        if let clientModel { out.key(CodingKeys.clientModel); out.string(clientModel) }
        if let costUSD { out.key(CodingKeys.costUSD); out.number(costUSD) }
        if let dimensions { out.key(CodingKeys.dimensions); out.number(dimensions) }
        out.key(CodingKeys.endpoint); out.string(endpoint)
        if let error { out.key(CodingKeys.error); out.string(error) }
        if let finishReason { out.key(CodingKeys.finishReason); out.string(finishReason) }
        out.key(CodingKeys.id); out.string(id)
        out.key(CodingKeys.latencyMs); out.number(latencyMs)
        if let messages { out.key(CodingKeys.messages); out.value(messages) }
        if let privacy { out.key(CodingKeys.privacy); privacy.write(to: &out) }
        out.key(CodingKeys.reason); out.string(reason)
        if let replica { out.key(CodingKeys.replica); out.string(replica) }
        if let response { out.key(CodingKeys.response); out.string(response) }
        if let rule { out.key(CodingKeys.rule); out.string(rule) }
        if let scores { out.key(CodingKeys.scores); scores.write(to: &out) }
        if let shadow { out.key(CodingKeys.shadow); shadow.write(to: &out) }
        out.key(CodingKeys.status); out.number(status)
        out.key(CodingKeys.stream); out.bool(stream)
        out.key(CodingKeys.timestamp); out.string(timestamp)
        if let ttftMs { out.key(CodingKeys.ttftMs); out.number(ttftMs) }
        if let upstreamModel { out.key(CodingKeys.upstreamModel); out.string(upstreamModel) }
        if let usage { out.key(CodingKeys.usage); usage.write(to: &out) }
        out.endObject()
        out.raw("\n")
    }

    /// Formats a date as the log's timestamp (ISO 8601, milliseconds, UTC), e.g. `2026-11-29T10:00:00.123Z`.
    public static func timestamp(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var millis = Int(((interval - Double(seconds)) * 1000).rounded())
        if millis >= 1000 {
            seconds += 1
            millis -= 1000
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        // Written digit by digit into one string (this runs once per request).
        let fields: [(value: Int, width: Int, after: UInt8)] = [
            (Int(parts.tm_year) + 1900, 4, UInt8(ascii: "-")), (Int(parts.tm_mon) + 1, 2, UInt8(ascii: "-")),
            (Int(parts.tm_mday), 2, UInt8(ascii: "T")), (Int(parts.tm_hour), 2, UInt8(ascii: ":")),
            (Int(parts.tm_min), 2, UInt8(ascii: ":")), (Int(parts.tm_sec), 2, UInt8(ascii: ".")),
            (millis, 3, UInt8(ascii: "Z")),
        ]
        return String(unsafeUninitializedCapacity: 32) { out in
            var end = 0
            for field in fields {
                var value = max(0, field.value)
                var width = field.width
                var digits = 0
                repeat { digits += 1; value /= 10 } while value > 0
                width = max(width, digits)  // a year past 9999 keeps all its digits
                value = max(0, field.value)
                for position in stride(from: end + width - 1, through: end, by: -1) {
                    out[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                end += width
                out[end] = field.after
                end += 1
            }
            return end
        }
    }
}

extension RoutingLogRecord {
    /// Rough bytes the record holds (messages, answer, shadow answer, plus a fixed overhead):
    /// what the writer's queue counts against its bound.
    public var estimatedSize: Int {
        512 + (messages?.estimatedSize ?? 0) + (response?.utf8.count ?? 0) + (shadow?.response?.utf8.count ?? 0)
            + (error?.utf8.count ?? 0) + reason.utf8.count
    }
}
