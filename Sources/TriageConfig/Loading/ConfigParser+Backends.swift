import Foundation
import Yams

/// The `backends:` section.
extension ConfigParser {
    static let backendKeys = [
        "name", "kind", "base_url", "model", "api_key_env", "timeouts", "price",
        "fallback", "retry", "breaker", "max_concurrent", "max_connections", "forward_client_auth", "anthropic_version", "stream_usage", "remote", "responses",
    ]

    /// Parses the backend list, recording every well-formed name in `catalog`.
    mutating func parseBackends(_ node: Node, path: String, catalog: inout BackendCatalog) -> [BackendConfig] {
        guard case let .sequence(sequence) = node else {
            report(line: node.line, field: path, "expected a list of backends, got \(node.shortDescription)")
            catalog.isComplete = false
            return []
        }
        guard !sequence.isEmpty else {
            report(line: node.line, field: path, "at least one backend is required")
            catalog.isComplete = false
            return []
        }
        var fallbacks: [(backend: String, target: String, line: Int, field: String)] = []
        let backends = sequence.enumerated().compactMap { index, item in
            parseBackend(item, path: "\(path)[\(index)]", catalog: &catalog, fallbacks: &fallbacks)
        }
        // Fallbacks may name backends defined further down, so they are checked once all are known.
        for fallback in fallbacks {
            if fallback.target == fallback.backend {
                report(line: fallback.line, field: fallback.field, "a backend cannot be its own fallback")
            } else if !catalog.accepts(fallback.target) {
                report(line: fallback.line, field: fallback.field, catalog.unknownMessage(fallback.target))
            }
        }
        return backends
    }

    private mutating func parseBackend(
        _ node: Node, path: String, catalog: inout BackendCatalog,
        fallbacks: inout [(backend: String, target: String, line: Int, field: String)]
    ) -> BackendConfig? {
        guard let fields = fields(of: node, path: path, known: Self.backendKeys, handledElsewhere: ["api_key"]) else {
            catalog.isComplete = false
            return nil
        }
        var ok = true

        var name: String?
        if let value = fields.node("name") {
            name = backendName(value, field: fields.path("name"), catalog: &catalog)
            ok = ok && name != nil
        } else {
            reportMissing("name", in: fields)
            catalog.isComplete = false
            ok = false
        }

        var kind = BackendKind.openai
        if let value = fields.node("kind"), let text = string(value, field: fields.path("kind")) {
            if let parsed = BackendKind(rawValue: text) {
                kind = parsed
            } else {
                let known = BackendKind.allCases.map(\.rawValue).joined(separator: ", ")
                report(line: value.line, field: fields.path("kind"), "unknown kind '\(text)' (known: \(known))")
                ok = false
            }
        } else if fields.node("kind") != nil {
            ok = false
        }

        var baseURL: String?
        if let value = fields.node("base_url") {
            baseURL = self.baseURL(value, field: fields.path("base_url"))
        } else {
            reportMissing("base_url", in: fields)
        }

        var model: String?
        if let value = fields.node("model") {
            model = string(value, field: fields.path("model"))
        } else {
            reportMissing("model", in: fields)
        }

        if fields.contains("api_key") {
            report(
                line: fields.line(of: "api_key"), field: fields.path("api_key"),
                "never put the key itself in routes.yaml: export it in an environment variable and name that variable with 'api_key_env' (e.g. api_key_env: OPENAI_API_KEY)"
            )
            ok = false
        }

        var apiKeyEnv: String?
        if let value = fields.node("api_key_env") {
            apiKeyEnv = environmentVariableName(value, field: fields.path("api_key_env"))
            ok = ok && apiKeyEnv != nil
        }

        let timeouts = fields.node("timeouts").map { parseTimeouts($0, path: fields.path("timeouts")) } ?? BackendTimeouts()
        let pricing = fields.node("price").map { parsePricing($0, path: fields.path("price")) } ?? BackendPricing()

        var fallback: String?
        if let value = fields.node("fallback") {
            fallback = string(value, field: fields.path("fallback"))
            if let fallback, let name {
                fallbacks.append((name, fallback, value.line, fields.path("fallback")))
            }
        }
        var retry = fields.node("retry").map { parseRetry($0, path: fields.path("retry")) } ?? RetryPolicy()
        if fields.node("retry")?.mapping?["max_attempts"] == nil {
            retry.maxAttempts = fallback == nil ? 1 : 2
        }
        let breaker = fields.node("breaker").map { parseBreaker($0, path: fields.path("breaker")) } ?? BreakerConfig()
        let maxConcurrent = fields.node("max_concurrent").flatMap { positiveInt($0, field: fields.path("max_concurrent")) }
        let maxConnections = fields.node("max_connections").flatMap { positiveInt($0, field: fields.path("max_connections")) }
            ?? BackendConfig.defaultMaxConnections
        let forwardClientAuth = fields.node("forward_client_auth").flatMap { bool($0, field: fields.path("forward_client_auth")) } ?? false
        var anthropicVersion = BackendConfig.defaultAnthropicVersion
        if let value = fields.node("anthropic_version"), let version = string(value, field: fields.path("anthropic_version")) {
            if kind == .anthropic {
                anthropicVersion = version
            } else {
                report(line: value.line, field: fields.path("anthropic_version"), "only applies to backends of kind 'anthropic'")
            }
        }

        var streamUsage = true
        if let value = fields.node("stream_usage"), let flag = bool(value, field: fields.path("stream_usage")) {
            if kind == .openai {
                streamUsage = flag
            } else {
                report(line: value.line, field: fields.path("stream_usage"), "only applies to backends of kind 'openai' (Anthropic always reports usage)")
            }
        }

        let remote = fields.node("remote").flatMap { bool($0, field: fields.path("remote")) }
        var responses = false
        if let value = fields.node("responses"), let flag = bool(value, field: fields.path("responses")) {
            if kind == .openai {
                responses = flag
            } else {
                report(line: value.line, field: fields.path("responses"), "only applies to backends of kind 'openai' (Anthropic has no Responses API)")
            }
        }

        guard ok, let name, let baseURL, let model else { return nil }
        var backend = BackendConfig(
            name: name, kind: kind, baseURL: baseURL, model: model, apiKeyEnv: apiKeyEnv,
            timeouts: timeouts, pricing: pricing, fallback: fallback, retry: retry, breaker: breaker,
            maxConcurrent: maxConcurrent, maxConnections: maxConnections, forwardClientAuth: forwardClientAuth, anthropicVersion: anthropicVersion,
            streamUsage: streamUsage, remote: remote, line: fields.line
        )
        backend.responses = responses
        return backend
    }

    /// A backend name: non-empty, not `auto`, not already used. Records it in `catalog`.
    private mutating func backendName(_ node: Node, field: String, catalog: inout BackendCatalog) -> String? {
        guard let name = string(node, field: field) else {
            catalog.isComplete = false
            return nil
        }
        guard name != "auto" else {
            report(line: node.line, field: field, "'auto' is reserved for 'route: auto'; choose another backend name")
            return nil
        }
        if let earlier = catalog.add(name, line: node.line) {
            report(line: node.line, field: field, "duplicate backend name '\(name)' (first defined on line \(earlier))")
            return nil
        }
        return name
    }

    /// An `http://` or `https://` URL with a host, without trailing slashes.
    mutating func baseURL(_ node: Node, field: String) -> String? {
        guard var text = string(node, field: field) else { return nil }
        let lowered = text.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
            report(line: node.line, field: field, "invalid URL '\(text)': must start with http:// or https://")
            return nil
        }
        guard let url = URL(string: text), let host = url.host, !host.isEmpty else {
            report(line: node.line, field: field, "invalid URL '\(text)': expected e.g. http://127.0.0.1:8000/v1")
            return nil
        }
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// The NAME of an environment variable; rejects values that look like an API key
    /// without echoing them.
    private mutating func environmentVariableName(_ node: Node, field: String) -> String? {
        guard let name = string(node, field: field) else { return nil }
        if Self.looksLikeSecret(name) {
            report(
                line: node.line, field: field,
                "this looks like an API key, not a variable name: never put the key itself in routes.yaml; export it in an environment variable (e.g. OPENAI_API_KEY) and write that variable's name here"
            )
            return nil
        }
        guard Self.isEnvironmentVariableName(name) else {
            report(
                line: node.line, field: field,
                "'\(name)' is not a valid environment variable name (use letters, digits and underscores, not starting with a digit, e.g. OPENAI_API_KEY)"
            )
            return nil
        }
        return name
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`
    static func isEnvironmentVariableName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || isASCIILetter(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || isASCIILetter($0) || ("0"..."9").contains($0) }
    }

    /// Heuristic for an API key pasted where a variable name belongs: a known
    /// (case-sensitive) key prefix such as `sk-` (`hf_`-style prefixes only on
    /// values of 20+ characters), or a long run of letters and digits with no underscore (variable
    /// names are conventionally UPPER_SNAKE_CASE).
    static func looksLikeSecret(_ text: String) -> Bool {
        // These can never be variable names (they contain '-' or ' ').
        if ["sk-", "xai-", "Bearer "].contains(where: text.hasPrefix) { return true }
        // These could start a (lowercase) variable name, so also require key-like length.
        if text.count >= 20, ["sk_", "gsk_", "hf_", "AIza"].contains(where: text.hasPrefix) { return true }
        let scalars = text.unicodeScalars
        let hasDigit = scalars.contains { ("0"..."9").contains($0) }
        let hasLetter = scalars.contains(where: isASCIILetter)
        return text.count >= 24 && hasDigit && hasLetter && !text.contains("_")
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private mutating func parseTimeouts(_ node: Node, path: String) -> BackendTimeouts {
        var timeouts = BackendTimeouts()
        guard let fields = fields(of: node, path: path, known: ["connect", "total", "idle", "queue"]) else { return timeouts }
        if let value = fields.node("connect"), let seconds = positiveNumber(value, field: fields.path("connect")) {
            timeouts.connect = seconds
        }
        if let value = fields.node("total"), let seconds = positiveNumber(value, field: fields.path("total")) {
            timeouts.total = seconds
        }
        if let value = fields.node("idle"), let seconds = positiveNumber(value, field: fields.path("idle")) {
            timeouts.idle = seconds
        }
        if let value = fields.node("queue"), let seconds = positiveNumber(value, field: fields.path("queue")) {
            timeouts.queue = seconds
        }
        return timeouts
    }

    private mutating func parsePricing(_ node: Node, path: String) -> BackendPricing {
        var pricing = BackendPricing()
        guard let fields = fields(of: node, path: path, known: ["input_per_million", "output_per_million"]) else {
            return pricing
        }
        if let value = fields.node("input_per_million"),
           let price = nonNegativeNumber(value, field: fields.path("input_per_million")) {
            pricing.inputPerMillion = price
        }
        if let value = fields.node("output_per_million"),
           let price = nonNegativeNumber(value, field: fields.path("output_per_million")) {
            pricing.outputPerMillion = price
        }
        return pricing
    }

    /// `retry: {max_attempts: 2, on: [connect, timeout, 429, 5xx]}`
    private mutating func parseRetry(_ node: Node, path: String) -> RetryPolicy {
        var retry = RetryPolicy()
        guard let fields = fields(of: node, path: path, known: ["max_attempts", "on"]) else { return retry }
        if let value = fields.node("max_attempts"), let attempts = positiveInt(value, field: fields.path("max_attempts")) {
            retry.maxAttempts = attempts
        }
        if let value = fields.node("on"), let conditions = stringList(value, field: fields.path("on")) {
            retry.onConnectError = false
            retry.onTimeout = false
            retry.statuses = []
            for (index, condition) in conditions.enumerated() {
                switch condition {
                case "connect": retry.onConnectError = true
                case "timeout": retry.onTimeout = true
                case "5xx": retry.statuses.formUnion(500...599)
                case "4xx": retry.statuses.formUnion(400...499)
                default:
                    if let status = Int(condition), (400...599).contains(status) {
                        retry.statuses.insert(status)
                    } else {
                        let line = value.sequence.flatMap { $0.count > index ? $0[index].line : nil } ?? value.line
                        report(
                            line: line, field: "\(fields.path("on"))[\(index)]",
                            "unknown retry condition '\(condition)' (known: connect, timeout, 4xx, 5xx, or an HTTP status 400-599)"
                        )
                    }
                }
            }
        }
        return retry
    }

    /// `breaker: {failures: 5, cooldown: 30}`
    private mutating func parseBreaker(_ node: Node, path: String) -> BreakerConfig {
        var breaker = BreakerConfig()
        guard let fields = fields(of: node, path: path, known: ["failures", "cooldown"]) else { return breaker }
        if let value = fields.node("failures"), let failures = nonNegativeInt(value, field: fields.path("failures")) {
            breaker.failures = failures
        }
        if let value = fields.node("cooldown"), let seconds = positiveNumber(value, field: fields.path("cooldown")) {
            breaker.cooldown = seconds
        }
        return breaker
    }
}
