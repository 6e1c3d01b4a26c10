import TriageConfig

extension RuleMatch {
    /// The YAML names of the conditions present, in declaration order: the ones a match says
    /// held (a rule matches only when every present condition holds).
    var conditionNames: [String] {
        var names: [String] = []
        if models != nil { names.append("model") }
        if header != nil { names.append("header") }
        if lastUserMessage != nil { names.append("last_user_message") }
        if promptTokensAbove != nil { names.append("prompt_tokens_above") }
        if promptTokensBelow != nil { names.append("prompt_tokens_below") }
        if sensitive != nil { names.append("sensitive") }
        if always { names.append("always") }
        return names
    }

    /// Whether every present condition holds for `input` (true when none is present: see
    /// ``conditionNames``, a rule without conditions never matches).
    func holds(for input: RoutingInput) -> Bool {
        if let models, !models.contains(input.model) { return false }
        if let header {
            guard let value = input.header(named: header.name.lowercased()) else { return false }
            if let expected = header.value, value != expected { return false }
        }
        if let lastUserMessage, !lastUserMessage.matches(input.lastUserMessage) { return false }
        if let promptTokensAbove, !(input.estimatedPromptTokens > promptTokensAbove) { return false }
        if let promptTokensBelow, !(input.estimatedPromptTokens < promptTokensBelow) { return false }
        if let sensitive, !sensitive.matches(input.sensitiveTypes) { return false }
        return true
    }
}

extension RoutingInput {
    /// The header called `name` (lowercased); falls back to a case-insensitive
    /// scan in case the caller did not lowercase the keys.
    func header(named name: String) -> String? {
        if let value = headers[name] { return value }
        return headers.first { $0.key.lowercased() == name }?.value
    }
}
