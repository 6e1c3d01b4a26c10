import TriageFlywheel
import TriageLog

/// The counters of a replay while it runs; ``finished()`` sorts them into the report.
struct ReplayTally {
    var report: ReplayReport
    let examples: Int
    private var backends: [String: (before: Int, after: Int)] = [:]
    private var rules: [String: (before: Int, after: Int)] = [:]
    private var moves: [String: [String: Int]] = [:]

    init(report: ReplayReport, examples: Int) {
        self.report = report
        self.examples = examples
    }

    mutating func add(_ outcome: Replayer.Outcome, record: RoutingLogRecord, label: LabelRule?, prices: BackendPrices, local: Set<String>) {
        report.replayed += 1
        backends[outcome.before, default: (0, 0)].before += 1
        backends[outcome.after, default: (0, 0)].after += 1
        let ruleBefore = outcome.ruleBefore ?? Replayer.noRuleName
        let ruleAfter = outcome.after == Replayer.rejectedName ? Replayer.rejectedName : outcome.ruleAfter ?? Replayer.noRuleName
        rules[ruleBefore, default: (0, 0)].before += 1
        rules[ruleAfter, default: (0, 0)].after += 1
        if ruleBefore != ruleAfter { report.ruleChanged += 1 }
        if outcome.after == Replayer.rejectedName { report.rejectedModel += 1 }
        if outcome.headerAssumed { report.headerAssumed += 1 }

        report.cost.recordedUSD += record.costUSD ?? 0
        report.cost.beforeUSD += prices.cost(outcome.tokens, on: outcome.before)
        if outcome.after != Replayer.rejectedName { report.cost.afterUSD += prices.cost(outcome.tokens, on: outcome.after) }
        if let remote = report.cost.compareTo { report.cost.allRemoteUSD? += prices.cost(outcome.tokens, on: remote) }
        if outcome.tokens.estimated { report.cost.estimatedTokens += 1 }

        if let label { count(label, after: outcome.after, local: local) }
        guard outcome.before != outcome.after else { return }
        report.moved += 1
        moves[outcome.before, default: [:]][outcome.after, default: 0] += 1
        if report.examples.count < examples {
            let prompt = TailFormatter.lastUserText(record.messages) ?? ""
            report.examples.append(.init(
                id: record.id, timestamp: record.timestamp, prompt: Self.excerpt(prompt), from: outcome.before, to: outcome.after,
                reasonBefore: record.reason, reasonAfter: outcome.reasonAfter, label: label?.label
            ))
        }
    }

    private mutating func count(_ rule: LabelRule, after: String, local: Set<String>) {
        report.quality.labelled += 1
        report.quality.perRule[rule.rawValue, default: 0] += 1
        let staysLocal = local.contains(after)
        if rule.label == 1 {
            report.quality.knownBad += 1
            if staysLocal { report.quality.badStillLocal += 1 } else { report.quality.badNowRemote += 1 }
        } else {
            report.quality.knownGood += 1
            if staysLocal { report.quality.goodStillLocal += 1 } else { report.quality.goodNowRemote += 1 }
        }
    }

    /// The first 120 characters of a prompt on one line.
    static func excerpt(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 120 ? String(line.prefix(119)) + "…" : line
    }

    func finished() -> ReplayReport {
        var result = report
        result.backends = Self.sorted(backends)
        result.rules = Self.sorted(rules)
        result.moves = moves.flatMap { from, targets in targets.map { ReplayReport.Move(from: from, to: $0.key, count: $0.value) } }
            .sorted { ($0.count, $1.from, $1.to) > ($1.count, $0.from, $0.to) }
        return result
    }

    private static func sorted(_ counts: [String: (before: Int, after: Int)]) -> [ReplayReport.Share] {
        counts.map { ReplayReport.Share(name: $0.key, before: $0.value.before, after: $0.value.after) }
            .sorted { (max($0.before, $0.after), $1.name) > (max($1.before, $1.after), $0.name) }
    }
}
