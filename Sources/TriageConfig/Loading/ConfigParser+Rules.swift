import Yams

/// The `rules:` section.
extension ConfigParser {
    static let ruleKeys = ["name", "match", "route"]
    static let matchKeys = ["model", "header", "last_user_message", "prompt_tokens_above", "prompt_tokens_below", "always", "sensitive"]

    /// Parses the rule list; routes are checked against `catalog`.
    mutating func parseRules(_ node: Node, path: String, catalog: BackendCatalog) -> [RuleConfig] {
        guard case let .sequence(sequence) = node else {
            report(line: node.line, field: path, "expected a list of rules, got \(node.shortDescription)")
            return []
        }
        var names: [String: Int] = [:]
        var rules: [RuleConfig] = []
        for (index, item) in sequence.enumerated() {
            let rulePath = "\(path)[\(index)]"
            if let rule = parseRule(item, path: rulePath, catalog: catalog, names: &names) {
                rules.append(rule)
            }
        }
        return rules
    }

    /// Parses one rule; `names` maps rule names seen so far to their lines.
    private mutating func parseRule(
        _ node: Node, path: String, catalog: BackendCatalog, names: inout [String: Int]
    ) -> RuleConfig? {
        guard let fields = fields(of: node, path: path, known: Self.ruleKeys) else { return nil }

        var name: String? = path
        if let value = fields.node("name") {
            name = string(value, field: fields.path("name"))
        }
        if let name {
            if let earlier = names[name] {
                report(
                    line: fields.line(of: "name"), field: fields.path("name"),
                    "duplicate rule name '\(name)' (first used on line \(earlier))"
                )
            } else {
                names[name] = fields.line
            }
        }

        var match: RuleMatch?
        if let value = fields.node("match") {
            match = parseMatch(value, path: fields.path("match"))
        } else if fields.contains("match") {
            report(line: fields.line(of: "match"), field: fields.path("match"), Self.emptyMatchMessage)
        } else {
            reportMissing("match", in: fields)
        }

        var route: RouteTarget?
        if let value = fields.node("route") {
            route = parseRoute(value, field: fields.path("route"), catalog: catalog)
        } else {
            reportMissing("route", in: fields)
        }

        guard let name, let match, let route else { return nil }
        return RuleConfig(name: name, match: match, route: route, line: fields.line)
    }

    static let emptyMatchMessage =
        "empty match block: add at least one condition (model, header, last_user_message, prompt_tokens_above, prompt_tokens_below, sensitive, always: true)"

    private mutating func parseMatch(_ node: Node, path: String) -> RuleMatch? {
        guard let fields = fields(of: node, path: path, known: Self.matchKeys) else { return nil }
        guard !fields.isEmpty else {
            report(line: fields.line, field: path, Self.emptyMatchMessage)
            return nil
        }
        let issueCount = issues.count
        var match = RuleMatch()

        if let value = fields.node("model") {
            let field = fields.path("model")
            if let models = stringList(value, field: field) {
                if models.isEmpty {
                    report(line: value.line, field: field, "must list at least one model id")
                } else {
                    match.models = models
                }
            }
        }
        if let value = fields.node("header") {
            match.header = parseHeader(value, path: fields.path("header"))
        }
        if let value = fields.node("last_user_message") {
            let field = fields.path("last_user_message")
            if let pattern = string(value, field: field) {
                do {
                    match.lastUserMessage = try MessagePattern(pattern)
                } catch {
                    report(line: value.line, field: field, error.description)
                }
            }
        }
        if let value = fields.node("prompt_tokens_above") {
            match.promptTokensAbove = nonNegativeInt(value, field: fields.path("prompt_tokens_above"))
        }
        if let value = fields.node("prompt_tokens_below") {
            match.promptTokensBelow = nonNegativeInt(value, field: fields.path("prompt_tokens_below"))
            if let above = match.promptTokensAbove, let below = match.promptTokensBelow, below - above < 2 {
                report(
                    line: value.line, field: fields.path("prompt_tokens_below"),
                    "no token count is above \(above) and below \(below), so this rule can never match"
                )
            }
        }
        if let value = fields.node("sensitive") {
            match.sensitive = sensitiveMatch(value, field: fields.path("sensitive"))
        }
        if let value = fields.node("always"), let always = bool(value, field: fields.path("always")) {
            if always {
                match.always = true
            } else {
                report(
                    line: value.line, field: fields.path("always"),
                    "'always: false' never matches; use 'always: true' for a catch-all, or remove the field"
                )
            }
        }
        return issues.count == issueCount ? match : nil
    }

    private mutating func parseHeader(_ node: Node, path: String) -> HeaderMatch? {
        guard let fields = fields(of: node, path: path, known: ["name", "value"]) else { return nil }
        guard let nameNode = fields.node("name") else {
            reportMissing("name", in: fields)
            return nil
        }
        guard let name = string(nameNode, field: fields.path("name")) else { return nil }
        var value: String?
        if let valueNode = fields.node("value") {
            guard case let .scalar(scalar) = valueNode else {
                report(line: valueNode.line, field: fields.path("value"), "expected a string, got \(valueNode.shortDescription)")
                return nil
            }
            value = scalar.string
        }
        return HeaderMatch(name: name, value: value)
    }

    private mutating func parseRoute(_ node: Node, field: String, catalog: BackendCatalog) -> RouteTarget? {
        guard let name = string(node, field: field) else { return nil }
        if name == "auto" { return .auto }
        guard catalog.accepts(name) else {
            report(line: node.line, field: field, catalog.unknownMessage(name))
            return nil
        }
        return .backend(name)
    }
}
