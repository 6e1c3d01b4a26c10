import Yams

/// The top-level sections: `listen`, `limits`, `log`, `models`, `auto`.
extension ConfigParser {
    /// Parses every section; returns `nil` if any issue was reported.
    mutating func parseTopLevel(_ top: YAMLFields) -> RoutesConfig? {
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

        var auto: AutoRouteConfig?
        if let node = top.node("auto") {
            auto = parseAuto(node, path: top.path("auto"), catalog: catalog)
        } else {
            reportMissing("auto", in: top)
        }

        guard issues.isEmpty, let auto else { return nil }
        return RoutesConfig(
            sourcePath: sourceName,
            listen: listen,
            limits: limits,
            log: log,
            models: models,
            backends: backends,
            rules: rules,
            auto: auto
        )
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
        guard let fields = fields(of: node, path: path, known: ["max_body_bytes"]) else { return limits }
        if let value = fields.node("max_body_bytes"), let bytes = int(value, field: fields.path("max_body_bytes")) {
            if bytes > 0 {
                limits.maxBodyBytes = bytes
            } else {
                report(line: value.line, field: fields.path("max_body_bytes"), "must be greater than 0, got \(bytes)")
            }
        }
        return limits
    }

    private mutating func parseLog(_ node: Node, path: String) -> RoutingLogConfig {
        var log = RoutingLogConfig()
        guard let fields = fields(of: node, path: path, known: ["path"]) else { return log }
        if let value = fields.node("path"), let logPath = string(value, field: fields.path("path")) {
            log.path = logPath
        }
        return log
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
        guard let fields = fields(of: node, path: path, known: ["default_backend"]) else { return nil }
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
        return AutoRouteConfig(defaultBackend: name)
    }
}
