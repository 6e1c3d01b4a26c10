import TriageConfig
import TriageLog

/// The whole routing decision for one request, as the proxy makes it: the rules first, then, for
/// `route: auto` with the classifier on, the classifier.
public struct RoutedRequest: Sendable, Equatable {
    /// The backend the request goes to first (fallbacks aside).
    public var backend: BackendConfig
    /// The rule that matched, if one did.
    public var rule: String?
    /// Why, in the words the routing log records.
    public var reason: String
    /// The classifier's scores, when it decided.
    public var scores: RoutingLogRecord.Scores?

    /// Creates a decision.
    public init(backend: BackendConfig, rule: String?, reason: String, scores: RoutingLogRecord.Scores?) {
        self.backend = backend
        self.rule = rule
        self.reason = reason
        self.scores = scores
    }
}

extension Router {
    /// Decides `input` with the rules, and with `auto` (when the classifier is on) for a rule that
    /// routes `auto`. `messageCount` is the conversation depth the complexity score reads.
    ///
    /// `triage serve` decides every request here, and `triage replay` re-decides logged ones
    /// here, so both agree by construction.
    public func route(_ input: RoutingInput, auto: AutoRouting?, messageCount: Int) -> RoutedRequest {
        let decision = decide(input)
        guard decision.viaAuto, let auto else {
            return RoutedRequest(backend: decision.backend, rule: decision.rule, reason: decision.reason, scores: nil)
        }
        let verdict = auto.decide(prompt: input.lastUserMessage, messageCount: messageCount)
        let prefix = decision.rule.map { "rule '\($0)' routed auto -> " } ?? "no rule matched -> "
        return RoutedRequest(backend: verdict.backend, rule: decision.rule, reason: prefix + verdict.reason, scores: verdict.scores)
    }
}
