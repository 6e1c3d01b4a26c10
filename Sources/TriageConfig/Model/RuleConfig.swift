/// One routing rule (an entry of `rules:`).
public struct RuleConfig: Sendable, Equatable {
    /// Rule name used in logs (`name`, default `rules[i]` with `i` the 0-based index).
    public var name: String
    /// Conditions that must all hold (`match`, required).
    public var match: RuleMatch
    /// Destination when the rule matches (`route`, required).
    public var route: RouteTarget
    /// 1-based line in the source file where the rule starts (0 if built in code).
    public var line: Int

    /// Creates a rule.
    public init(name: String, match: RuleMatch, route: RouteTarget, line: Int = 0) {
        self.name = name
        self.match = match
        self.route = route
        self.line = line
    }
}
