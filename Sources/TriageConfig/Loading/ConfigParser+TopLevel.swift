import Yams

/// The top-level sections: `listen`, `limits`, `log`, `models`, `auto`, `auth`, `shutdown`.
extension ConfigParser {
    /// Parses every section; returns `nil` if any issue was reported.
    mutating func parseTopLevel(_ top: YAMLFields) -> RoutesConfig? {
        let privacy = top.node("privacy").map { parsePrivacy($0, path: top.path("privacy")) } ?? PrivacyConfig()
        let listen = top.node("listen").map { parseListen($0, path: top.path("listen")) } ?? ListenConfig()
        let limits = top.node("limits").map { parseLimits($0, path: top.path("limits")) } ?? LimitsConfig()
        let log = top.node("log").map { parseLog($0, path: top.path("log")) } ?? RoutingLogConfig()
        let models = top.node("models").map { parseModels($0, path: top.path("models")) } ?? RoutesConfig.defaultModels

        var catalog = BackendCatalog()
        var backends: [BackendConfig] = []
        if let node = top.node("backends") {
            backends = parseBackends(node, path: top.path("backends"), catalog: &catalog)
        } else {
            reportMissing("backends", in: top)
            catalog.isComplete = false
        }

        let rules = top.node("rules").map { parseRules($0, path: top.path("rules"), catalog: catalog) } ?? []

        let auth = top.node("auth").map { parseAuth($0, path: top.path("auth")) } ?? AuthConfig()
        let shutdown = top.node("shutdown").map { parseShutdown($0, path: top.path("shutdown")) } ?? ShutdownConfig()
        let shadow = top.node("shadow").flatMap { parseShadow($0, path: top.path("shadow"), catalog: catalog) }
        let report = top.node("report").map { parseReport($0, path: top.path("report"), catalog: catalog) } ?? ReportConfig()
        let eval = top.node("eval").map { parseEval($0, path: top.path("eval")) } ?? EvalConfig()
        let ui = top.node("ui").map { parseUI($0, path: top.path("ui")) } ?? UIConfig()

        var auto: AutoRouteConfig?
        if let node = top.node("auto") {
            auto = parseAuto(node, path: top.path("auto"), catalog: catalog)
        } else {
            reportMissing("auto", in: top)
        }

        guard issues.isEmpty, let auto else { return nil }
        var config = RoutesConfig(
            sourcePath: sourceName,
            listen: listen,
            limits: limits,
            log: log,
            models: models,
            backends: backends,
            rules: rules,
            auto: auto,
            auth: auth,
            shutdown: shutdown,
            shadow: shadow,
            report: report,
            eval: eval,
            ui: ui
        )
        config.privacy = privacy
        return config
    }

    private mutating func parseListen(_ node: Node, path: String) -> ListenConfig {
        var listen = ListenConfig()
        guard let fields = fields(of: node, path: path, known: ["host", "port"]) else { return listen }
        if let value = fields.node("host"), let host = string(value, field: fields.path("host")) {
            listen.host = host
        }
        if let value = fields.node("port"), let port = int(value, field: fields.path("port")) {
            if (0...65535).contains(port) {
                listen.port = port
            } else {
                report(line: value.line, field: fields.path("port"), "must be between 0 and 65535, got \(port)")
            }
        }
        return listen
    }

    private mutating func parseLimits(_ node: Node, path: String) -> LimitsConfig {
        var limits = LimitsConfig()
        guard let fields = fields(of: node, path: path, known: ["max_body_bytes", "max_messages", "request_timeout", "max_header_bytes", "feedback_per_minute", "idle_timeout", "header_timeout", "body_timeout"]) else {
            return limits
        }
        if let value = fields.node("max_body_bytes"), let bytes = positiveInt(value, field: fields.path("max_body_bytes")) {
            limits.maxBodyBytes = bytes
        }
        if let value = fields.node("max_messages"), let count = positiveInt(value, field: fields.path("max_messages")) {
            limits.maxMessages = count
        }
        if let value = fields.node("max_header_bytes"), let bytes = positiveInt(value, field: fields.path("max_header_bytes")) {
            limits.maxHeaderBytes = bytes
        }
        if let value = fields.node("request_timeout"), let seconds = positiveNumber(value, field: fields.path("request_timeout")) {
            limits.requestTimeout = seconds
        }
        if let value = fields.node("feedback_per_minute"), let count = positiveInt(value, field: fields.path("feedback_per_minute")) {
            limits.feedbackPerMinute = count
        }
        if let value = fields.node("idle_timeout"), let seconds = positiveNumber(value, field: fields.path("idle_timeout")) {
            limits.idleTimeout = seconds
        }
        if let value = fields.node("header_timeout"), let seconds = positiveNumber(value, field: fields.path("header_timeout")) {
            limits.headerTimeout = seconds
        }
        if let value = fields.node("body_timeout"), let seconds = positiveNumber(value, field: fields.path("body_timeout")) {
            limits.bodyTimeout = seconds
        }
        return limits
    }

    private mutating func parseLog(_ node: Node, path: String) -> RoutingLogConfig {
        var log = RoutingLogConfig()
        guard let fields = fields(of: node, path: path, known: ["path", "max_bytes", "daily", "keep", "max_pending_bytes", "on_write_error", "file_mode", "redact"] + Self.logDatabaseKeys) else { return log }
        log.database = parseLogDatabase(fields)
        if let value = fields.node("path"), let logPath = string(value, field: fields.path("path")) {
            log.path = logPath
        }
        if let value = fields.node("max_bytes"), let bytes = positiveInt(value, field: fields.path("max_bytes")) {
            log.maxBytes = bytes
        }
        if let value = fields.node("daily"), let daily = bool(value, field: fields.path("daily")) {
            log.daily = daily
        }
        if let value = fields.node("keep"), let keep = positiveInt(value, field: fields.path("keep")) {
            log.keep = keep
        }
        if let value = fields.node("max_pending_bytes"), let bytes = positiveInt(value, field: fields.path("max_pending_bytes")) {
            log.maxPendingBytes = bytes
        }
        if let value = fields.node("on_write_error"), let text = string(value, field: fields.path("on_write_error")) {
            if let policy = LogWriteErrorPolicy(rawValue: text) {
                log.onWriteError = policy
            } else {
                report(line: value.line, field: fields.path("on_write_error"), "must be fail_open or fail_closed, got '\(text)'")
            }
        }
        if let value = fields.node("redact") {
            log.redact = sensitiveTypes(value, field: fields.path("redact")) ?? []
        }
        if let value = fields.node("file_mode"), let text = string(value, field: fields.path("file_mode")) {
            if let mode = Self.fileMode(text) {
                log.fileMode = mode
            } else {
                report(
                    line: value.line, field: fields.path("file_mode"),
                    "must be an octal mode the owner can read and write, like \"0600\" or \"0640\", got '\(text)'"
                )
            }
        }
        return log
    }

    /// An octal permission string ("0600", "640") that leaves the owner read and write access.
    static func fileMode(_ text: String) -> Int? {
        guard (3...4).contains(text.count), text.allSatisfy({ ("0"..."7").contains($0) }),
              let mode = Int(text, radix: 8), mode <= 0o777, mode & 0o600 == 0o600 else { return nil }
        return mode
    }

    private mutating func parseModels(_ node: Node, path: String) -> [String] {
        guard let models = stringList(node, field: path) else { return RoutesConfig.defaultModels }
        guard !models.isEmpty else {
            report(line: node.line, field: path, "must list at least one model id (remove the field to use the default: [triage])")
            return RoutesConfig.defaultModels
        }
        var seen: Set<String> = []
        for (index, model) in models.enumerated() where !seen.insert(model).inserted {
            let line = node.sequence.flatMap { $0.count > index ? $0[index].line : nil } ?? node.line
            report(line: line, field: "\(path)[\(index)]", "duplicate model id '\(model)'")
        }
        return models
    }

    private mutating func parseAuto(_ node: Node, path: String, catalog: BackendCatalog) -> AutoRouteConfig? {
        let known = ["default_backend", "local", "remote", "reference", "complexity_weights", "min_fit", "max_complexity", "cache_dir"]
        guard let fields = fields(of: node, path: path, known: known) else { return nil }
        guard let value = fields.node("default_backend") else {
            reportMissing("default_backend", in: fields)
            return nil
        }
        let field = fields.path("default_backend")
        guard let name = string(value, field: field) else { return nil }
        guard catalog.accepts(name) else {
            report(line: value.line, field: field, catalog.unknownMessage(name))
            return nil
        }
        var auto = AutoRouteConfig(defaultBackend: name)
        for key in ["local", "remote"] {
            guard let value = fields.node(key), let backend = string(value, field: fields.path(key)) else { continue }
            guard catalog.accepts(backend) else {
                report(line: value.line, field: fields.path(key), catalog.unknownMessage(backend))
                continue
            }
            if key == "local" { auto.localBackend = backend } else { auto.remoteBackend = backend }
        }
        if fields.node("local") != nil, fields.node("remote") == nil {
            report(line: fields.line(of: "local"), field: fields.path("local"), "'local' needs 'remote' too: the classifier chooses between the two")
        }
        if let value = fields.node("reference") { auto.referencePath = string(value, field: fields.path("reference")) }
        if let value = fields.node("complexity_weights") { auto.complexityWeightsPath = string(value, field: fields.path("complexity_weights")) }
        if let value = fields.node("cache_dir"), let directory = string(value, field: fields.path("cache_dir")) { auto.cacheDirectory = directory }
        for key in ["min_fit", "max_complexity"] {
            guard let value = fields.node(key), let number = number(value, field: fields.path(key)) else { continue }
            guard (0...1).contains(number) else {
                report(line: value.line, field: fields.path(key), "must be between 0 and 1, got \(value.rawText)")
                continue
            }
            if key == "min_fit" { auto.minFit = number } else { auto.maxComplexity = number }
        }
        return auto
    }

    private mutating func parseAuth(_ node: Node, path: String) -> AuthConfig {
        var auth = AuthConfig()
        guard let fields = fields(of: node, path: path, known: ["client_keys_env"], handledElsewhere: ["client_keys", "keys"]) else {
            return auth
        }
        for key in ["client_keys", "keys"] where fields.contains(key) {
            report(
                line: fields.line(of: key), field: fields.path(key),
                "never put client keys in routes.yaml: export them (comma-separated) in an environment variable and name it with 'client_keys_env' (e.g. client_keys_env: [TRIAGE_CLIENT_KEYS])"
            )
        }
        if let value = fields.node("client_keys_env"), let names = stringList(value, field: fields.path("client_keys_env")) {
            for (index, name) in names.enumerated() where !Self.isEnvironmentVariableName(name) || Self.looksLikeSecret(name) {
                let line = value.sequence.flatMap { $0.count > index ? $0[index].line : nil } ?? value.line
                report(
                    line: line, field: "\(fields.path("client_keys_env"))[\(index)]",
                    "expected the NAME of an environment variable holding client keys (e.g. TRIAGE_CLIENT_KEYS), not a key"
                )
            }
            auth.clientKeysEnv = names
        }
        return auth
    }

    private mutating func parseShutdown(_ node: Node, path: String) -> ShutdownConfig {
        var shutdown = ShutdownConfig()
        guard let fields = fields(of: node, path: path, known: ["grace_seconds"]) else { return shutdown }
        if let value = fields.node("grace_seconds"), let seconds = nonNegativeNumber(value, field: fields.path("grace_seconds")) {
            shutdown.graceSeconds = seconds
        }
        return shutdown
    }

    private mutating func parseShadow(_ node: Node, path: String, catalog: BackendCatalog) -> ShadowConfig? {
        guard let fields = fields(of: node, path: path, known: ["rate", "backend", "daily_cap_usd", "judge"]) else { return nil }
        guard let rateNode = fields.node("rate") else {
            reportMissing("rate", in: fields)
            return nil
        }
        guard let backendNode = fields.node("backend") else {
            reportMissing("backend", in: fields)
            return nil
        }
        guard let rate = number(rateNode, field: fields.path("rate")), let backend = string(backendNode, field: fields.path("backend")) else {
            return nil
        }
        guard (0...1).contains(rate) else {
            report(line: rateNode.line, field: fields.path("rate"), "must be between 0 and 1, got \(rateNode.rawText)")
            return nil
        }
        guard catalog.accepts(backend) else {
            report(line: backendNode.line, field: fields.path("backend"), catalog.unknownMessage(backend))
            return nil
        }
        var shadow = ShadowConfig(rate: rate, backend: backend)
        if let value = fields.node("daily_cap_usd") {
            shadow.dailyCapUSD = nonNegativeNumber(value, field: fields.path("daily_cap_usd"))
        }
        if let value = fields.node("judge") {
            shadow.judge = parseJudge(value, path: fields.path("judge"), catalog: catalog)
        }
        return shadow
    }

    private mutating func parseReport(_ node: Node, path: String, catalog: BackendCatalog) -> ReportConfig {
        var report = ReportConfig()
        guard let fields = fields(of: node, path: path, known: ["compare_to", "monthly_fixed_cost_usd"]) else { return report }
        if let value = fields.node("compare_to"), let backend = string(value, field: fields.path("compare_to")) {
            if catalog.accepts(backend) {
                report.compareTo = backend
            } else {
                self.report(line: value.line, field: fields.path("compare_to"), catalog.unknownMessage(backend))
            }
        }
        if let value = fields.node("monthly_fixed_cost_usd") {
            report.monthlyFixedCostUSD = nonNegativeNumber(value, field: fields.path("monthly_fixed_cost_usd"))
        }
        return report
    }

    private mutating func parseUI(_ node: Node, path: String) -> UIConfig {
        var ui = UIConfig()
        guard let fields = fields(of: node, path: path, known: ["enabled"]) else { return ui }
        if let value = fields.node("enabled"), let enabled = bool(value, field: fields.path("enabled")) {
            ui.enabled = enabled
        }
        return ui
    }
}
