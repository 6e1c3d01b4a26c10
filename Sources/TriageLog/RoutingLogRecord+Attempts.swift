import TriageJSON

extension RoutingLogRecord {
    /// Token counts for one request, and where they came from.
    public struct Usage: Sendable, Codable, Equatable {
        public var promptTokens: Int
        public var completionTokens: Int
        public var totalTokens: Int
        /// `upstream` when the backend reported `usage`, `estimated` when Triage counted itself.
        public var source: String

        public init(promptTokens: Int, completionTokens: Int, source: String) {
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.totalTokens = promptTokens + completionTokens
            self.source = source
        }

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
            case source
        }

        /// Writes the counts as a JSON object (keys sorted).
        func write(to out: inout JSONWriter) {
            out.beginObject()
            out.key(CodingKeys.completionTokens); out.number(completionTokens)
            out.key(CodingKeys.promptTokens); out.number(promptTokens)
            out.key(CodingKeys.source); out.string(source)
            out.key(CodingKeys.totalTokens); out.number(totalTokens)
            out.endObject()
        }
    }

    /// One try at one backend, when a request needed more than one or a backend was skipped.
    public struct Attempt: Sendable, Codable, Equatable {
        /// The backend tried (or skipped).
        public var backend: String
        /// `ok`, `failed` (and retried or given up), or `skipped` (breaker open or backend saturated).
        public var outcome: String
        /// The backend's HTTP status, when it answered.
        public var status: Int?
        /// What went wrong.
        public var error: String?
        /// How long the attempt took, in milliseconds.
        public var latencyMs: Double

        public init(backend: String, outcome: String, status: Int? = nil, error: String? = nil, latencyMs: Double) {
            self.backend = backend
            self.outcome = outcome
            self.status = status
            self.error = error
            self.latencyMs = latencyMs
        }

        enum CodingKeys: String, CodingKey {
            case backend, outcome, status, error
            case latencyMs = "latency_ms"
        }

        /// Writes the attempt as a JSON object (keys sorted, absent members left out).
        func write(to out: inout JSONWriter) {
            out.beginObject()
            out.key(CodingKeys.backend); out.string(backend)
            if let error { out.key(CodingKeys.error); out.string(error) }
            out.key(CodingKeys.latencyMs); out.number(latencyMs)
            out.key(CodingKeys.outcome); out.string(outcome)
            if let status { out.key(CodingKeys.status); out.number(status) }
            out.endObject()
        }
    }
}
