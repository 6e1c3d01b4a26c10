import TriageConfig

/// Where a request goes, and why.
public struct RouteDecision: Sendable, Equatable {
    /// The chosen backend.
    public var backend: BackendConfig
    /// Name of the matched rule, or `nil` if no rule matched.
    public var rule: String?
    /// Human-readable explanation for logs, e.g.
    /// `rule 'code-to-remote' matched (last_user_message)`.
    public var reason: String
    /// True if the backend was chosen by `route: auto`.
    public var viaAuto: Bool

    /// Creates a decision.
    public init(backend: BackendConfig, rule: String?, reason: String, viaAuto: Bool) {
        self.backend = backend
        self.rule = rule
        self.reason = reason
        self.viaAuto = viaAuto
    }
}
