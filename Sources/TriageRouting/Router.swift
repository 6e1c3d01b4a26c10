import TriageConfig

/// Chooses a backend for each request by evaluating the rules in order; the
/// first rule whose conditions all hold wins.
///
/// `route: auto` and "no rule matched" both decide ``AutoRouteConfig/defaultBackend`` here; for
/// `route: auto` (``RouteDecision/viaAuto``) the server then asks the classifier when `auto.remote`
/// is set.
public struct Router: Sendable {
    /// The configuration being applied.
    public let config: RoutesConfig
    /// Each rule that can match, in order, with the decision it makes (its reason names the
    /// rule's conditions, which are all the present ones whenever it matches): made once per
    /// configuration, so deciding a request builds no string.
    private let ruleDecisions: [(match: RuleMatch, decision: RouteDecision)]
    private let noMatch: RouteDecision

    /// Creates a router.
    ///
    /// - Parameter config: A configuration from ``ConfigLoader``, which guarantees
    ///   at least one backend and valid references. If `auto.default_backend`
    ///   names no backend, the first backend is used.
    /// - Precondition: `config.backends` is not empty.
    public init(config: RoutesConfig) {
        precondition(!config.backends.isEmpty, "Router needs at least one backend; load configs with ConfigLoader")
        self.config = config
        let defaultBackend = config.backend(named: config.auto.defaultBackend) ?? config.backends[0]
        self.ruleDecisions = config.rules.compactMap { rule in
            let conditions = rule.match.conditionNames
            guard !conditions.isEmpty else { return nil }  // never matches
            switch rule.route {
            case let .backend(name):
                return (rule.match, RouteDecision(
                    backend: config.backend(named: name) ?? defaultBackend,
                    rule: rule.name,
                    reason: "rule '\(rule.name)' matched (\(conditions.joined(separator: ", ")))",
                    viaAuto: false
                ))
            case .auto:
                return (rule.match, RouteDecision(
                    backend: defaultBackend,
                    rule: rule.name,
                    reason: "rule '\(rule.name)' routed auto -> default backend '\(defaultBackend.name)' (classifier not enabled)",
                    viaAuto: true
                ))
            }
        }
        self.noMatch = RouteDecision(
            backend: defaultBackend,
            rule: nil,
            reason: "no rule matched -> default backend '\(defaultBackend.name)'",
            viaAuto: false
        )
    }

    /// Decides where `input` goes. Never fails.
    public func decide(_ input: RoutingInput) -> RouteDecision {
        for (match, decision) in ruleDecisions where match.holds(for: input) {
            return decision
        }
        return noMatch
    }
}
