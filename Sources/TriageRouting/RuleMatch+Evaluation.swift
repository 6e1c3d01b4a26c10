import TriageConfig

extension RuleMatch {
    /// The YAML names of the conditions that hold, in declaration order, or
    /// `nil` if any present condition fails (or none is present).
    func matchedConditions(for input: RoutingInput) -> [String]? {
        var matched: [String] = []
        if let models {
            guard models.contains(input.model) else { return nil }
            matched.append("model")
        }
        if let header {
            guard let value = input.header(named: header.name.lowercased()) else { return nil }
            if let expected = header.value, value != expected { return nil }
            matched.append("header")
        }
        if let lastUserMessage {
            guard lastUserMessage.matches(input.lastUserMessage) else { return nil }
            matched.append("last_user_message")
        }
        if let promptTokensAbove {
            guard input.estimatedPromptTokens > promptTokensAbove else { return nil }
            matched.append("prompt_tokens_above")
        }
        if let promptTokensBelow {
            guard input.estimatedPromptTokens < promptTokensBelow else { return nil }
            matched.append("prompt_tokens_below")
        }
        if let sensitive {
            guard sensitive.matches(input.sensitiveTypes) else { return nil }
            matched.append("sensitive")
        }
        if always {
            matched.append("always")
        }
        return matched.isEmpty ? nil : matched
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
