import Yams

/// `shadow.judge` and `eval`.
extension ConfigParser {
    mutating func parseJudge(_ node: Node, path: String, catalog: BackendCatalog) -> JudgeConfig? {
        guard let fields = fields(of: node, path: path, known: ["backend", "rubric", "sample_rate", "daily_cap_usd", "prompt"]) else { return nil }
        guard let backendNode = fields.node("backend") else {
            reportMissing("backend", in: fields)
            return nil
        }
        guard let capNode = fields.node("daily_cap_usd") else {
            reportMissing("daily_cap_usd", in: fields)
            return nil
        }
        guard let backend = string(backendNode, field: fields.path("backend")),
              let cap = nonNegativeNumber(capNode, field: fields.path("daily_cap_usd")) else { return nil }
        guard catalog.accepts(backend) else {
            report(line: backendNode.line, field: fields.path("backend"), catalog.unknownMessage(backend))
            return nil
        }
        var judge = JudgeConfig(backend: backend, dailyCapUSD: cap)
        if let value = fields.node("rubric") {
            judge.rubric = string(value, field: fields.path("rubric"))
        }
        if let value = fields.node("prompt") {
            judge.promptPath = string(value, field: fields.path("prompt"))
        }
        if let value = fields.node("sample_rate"), let rate = number(value, field: fields.path("sample_rate")) {
            guard (0...1).contains(rate) else {
                report(line: value.line, field: fields.path("sample_rate"), "must be between 0 and 1, got \(value.rawText)")
                return nil
            }
            judge.sampleRate = rate
        }
        return judge
    }

    mutating func parseEval(_ node: Node, path: String) -> EvalConfig {
        var eval = EvalConfig()
        guard let fields = fields(of: node, path: path, known: ["threshold", "metric"]) else { return eval }
        if let value = fields.node("threshold"), let threshold = number(value, field: fields.path("threshold")) {
            if (0...1).contains(threshold) {
                eval.threshold = threshold
            } else {
                report(line: value.line, field: fields.path("threshold"), "must be between 0 and 1, got \(value.rawText)")
            }
        }
        if let value = fields.node("metric"), let name = string(value, field: fields.path("metric")) {
            if let metric = EvalConfig.Metric(rawValue: name) {
                eval.metric = metric
            } else {
                let known = EvalConfig.Metric.allCases.map(\.rawValue).joined(separator: ", ")
                report(line: value.line, field: fields.path("metric"), "unknown metric '\(name)'; expected one of \(known)")
            }
        }
        return eval
    }
}
