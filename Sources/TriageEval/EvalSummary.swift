import Foundation
import TriageConfig
import TriageJSON

/// The result of an eval run: quality against the reference, judge grades, latency and tokens,
/// and the verdict against the threshold.
public struct EvalSummary: Sendable {
    public var backend: String
    public var data: String
    /// Items in the data, items answered (2xx), items whose call failed.
    public var items = 0
    public var answered = 0
    public var failed = 0
    /// Items taken from the progress file rather than sent in this run.
    public var resumed = 0
    /// Lines of the data that were not items.
    public var skippedLines = 0
    /// Share of items (failed ones count as wrong) whose answer matches exactly.
    public var exactMatch = 0.0
    /// Mean token F1 over all items (failed ones count 0).
    public var meanF1 = 0.0
    /// Judge grades: wins, ties, losses of the candidate, and items judged without a grade.
    public var judge: String?
    public var wins = 0, ties = 0, losses = 0, noGrade = 0
    /// Latency percentiles of answered items, in milliseconds.
    public var latencyP50 = 0.0, latencyP90 = 0.0, latencyP99 = 0.0
    public var promptTokens = 0, completionTokens = 0
    public var metric: EvalConfig.Metric
    public var threshold: Double?

    /// Mean judge score (win 1, tie 0.5, loss 0) over graded items; `nil` without grades.
    public var judgeScore: Double? {
        let graded = wins + ties + losses
        return graded > 0 ? (Double(wins) + 0.5 * Double(ties)) / Double(graded) : nil
    }

    /// The value the threshold applies to.
    public var metricValue: Double? {
        switch metric {
        case .exact: return exactMatch
        case .f1: return meanF1
        case .judge: return judgeScore
        }
    }

    /// Pass: the metric reaches the threshold. Without a threshold, or without a value
    /// (judge metric and no grades), the run does not pass.
    public var passed: Bool {
        guard let threshold, let value = metricValue, items > 0 else { return false }
        return value >= threshold
    }

    /// Summarises `outcomes` (one per item).
    public init(backend: String, data: String, outcomes: [EvalOutcome], judge: String?, metric: EvalConfig.Metric, threshold: Double?) {
        self.backend = backend
        self.data = data
        self.judge = judge
        self.metric = metric
        self.threshold = threshold
        items = outcomes.count
        var latencies: [Double] = []
        var exact = 0, f1 = 0.0
        for outcome in outcomes {
            if outcome.error != nil {
                failed += 1
                continue
            }
            answered += 1
            if outcome.exact { exact += 1 }
            f1 += outcome.f1
            latencies.append(outcome.latencyMs)
            promptTokens += outcome.promptTokens
            completionTokens += outcome.completionTokens
            switch outcome.judgeOutcome {
            case "win": wins += 1
            case "tie": ties += 1
            case "loss": losses += 1
            default: if outcome.judgeError != nil { noGrade += 1 }
            }
        }
        if items > 0 {
            exactMatch = Double(exact) / Double(items)
            meanF1 = f1 / Double(items)
        }
        latencies.sort()
        func quantile(_ q: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            // Nearest rank: the smallest value with at least q of the values at or below it.
            let rank = Int((q * Double(latencies.count)).rounded(.up))
            return latencies[min(latencies.count, max(rank, 1)) - 1]
        }
        latencyP50 = quantile(0.5)
        latencyP90 = quantile(0.9)
        latencyP99 = quantile(0.99)
    }

    /// The summary for people.
    public var text: String {
        var lines = ["triage eval: backend \(backend) on \(data)"]
        var counts = "  items        \(items) (\(answered) answered, \(failed) failed"
        if resumed > 0 { counts += ", \(resumed) from the progress file" }
        if skippedLines > 0 { counts += "; \(skippedLines) lines skipped" }
        lines.append(counts + ")")
        lines.append(String(format: "  exact match  %.3f", exactMatch))
        lines.append(String(format: "  token F1     %.3f", meanF1))
        if let judge {
            let score = judgeScore.map { String(format: "%.3f", $0) } ?? "n/a"
            lines.append("  judge        \(score) (\(judge): \(wins) win, \(ties) tie, \(losses) loss, \(noGrade) no grade)")
        }
        lines.append(String(format: "  latency      p50 %.0f ms, p90 %.0f ms, p99 %.0f ms", latencyP50, latencyP90, latencyP99))
        let mean = answered > 0 ? Double(completionTokens) / Double(answered) : 0
        lines.append(String(format: "  tokens       %d prompt, %d completion (%.1f per answer)", promptTokens, completionTokens, mean))
        if let threshold {
            let value = metricValue.map { String(format: "%.3f", $0) } ?? "n/a"
            lines.append("  result       \(passed ? "PASS" : "FAIL"): \(metric.rawValue) \(value) \(passed ? ">=" : "<") threshold \(threshold)")
        } else {
            lines.append("  result       FAIL: no threshold (--threshold or eval.threshold in routes.yaml)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The summary as one JSON object (`--json`).
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "backend": .string(backend), "data": .string(data), "items": .number(Double(items)),
            "answered": .number(Double(answered)), "failed": .number(Double(failed)), "resumed": .number(Double(resumed)),
            "skipped_lines": .number(Double(skippedLines)), "exact_match": .number(exactMatch), "token_f1": .number(meanF1),
            "latency_ms": .object(["p50": .number(latencyP50), "p90": .number(latencyP90), "p99": .number(latencyP99)]),
            "tokens": .object(["prompt": .number(Double(promptTokens)), "completion": .number(Double(completionTokens))]),
            "metric": .string(metric.rawValue), "passed": .bool(passed),
        ]
        if let threshold { members["threshold"] = .number(threshold) }
        if let judge {
            var grades: [String: JSONValue] = [
                "backend": .string(judge), "win": .number(Double(wins)), "tie": .number(Double(ties)),
                "loss": .number(Double(losses)), "no_grade": .number(Double(noGrade)),
            ]
            if let score = judgeScore { grades["score"] = .number(score) }
            members["judge"] = .object(grades)
        }
        return .object(members)
    }
}
