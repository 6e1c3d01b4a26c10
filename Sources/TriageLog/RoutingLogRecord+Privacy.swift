import TriageJSON

extension RoutingLogRecord {
    /// What the privacy scan found in a request and what the guard did (never the values).
    public struct Privacy: Sendable, Codable, Equatable {
        /// `privacy.sensitive` in force: `off`, `local_only` or `mask`.
        public var policy: String
        /// The distinct finding types, sorted (`card`, `email`, ...).
        public var types: [String]
        /// How many findings.
        public var findings: Int
        /// What the guard did: `kept_local` (remote backends skipped), `masked` (sent with
        /// placeholders), `blocked` (no allowed backend: 503); nil when nothing was needed.
        public var guardAction: String?
        /// Remote backends the request was kept away from (routed, fallback or retry target).
        public var skipped: [String]?
        /// The shadow copy was not sent because its backend is remote.
        public var shadowSkipped: Bool?
        /// `log.redact` replaced values of these types in this record with placeholders.
        public var redacted: [String]?

        public init(policy: String, types: [String], findings: Int) {
            self.policy = policy
            self.types = types
            self.findings = findings
        }

        enum CodingKeys: String, CodingKey {
            case policy, types, findings, skipped, redacted
            case guardAction = "guard"
            case shadowSkipped = "shadow_skipped"
        }

        /// Writes the object with sorted keys.
        func write(to out: inout JSONWriter) {
            out.beginObject()
            out.key(CodingKeys.findings); out.number(findings)
            if let guardAction { out.key(CodingKeys.guardAction); out.string(guardAction) }
            out.key(CodingKeys.policy); out.string(policy)
            if let redacted { out.key(CodingKeys.redacted); out.strings(redacted) }
            if let shadowSkipped { out.key(CodingKeys.shadowSkipped); out.bool(shadowSkipped) }
            if let skipped { out.key(CodingKeys.skipped); out.strings(skipped) }
            out.key(CodingKeys.types); out.strings(types)
            out.endObject()
        }
    }
}
