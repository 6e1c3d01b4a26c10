import Foundation
import TriageJSON
import TriageLog

extension ReplayReport {
    /// The report as text for a terminal.
    public func render() -> String {
        var out: [String] = []
        out.append("replay of \(log) under \(config): \(Plural.count(replayed, "request")) re-decided, no upstream called")
        var notes = ["\(Plural.count(read, "record")) read"]
        if notReplayable > 0 { notes.append("\(notReplayable) not replayable (no messages, or rejected before routing)") }
        if outsideRange > 0 { notes.append("\(outsideRange) outside --since/--until") }
        if unreadableLines > 0 { notes.append("\(Plural.count(unreadableLines, "unreadable line")) skipped") }
        out.append("  " + notes.joined(separator: "; "))
        if headerAssumed > 0 {
            out.append("  \(headerAssumed) decided by a header rule: headers are not logged, so the header is taken as present")
        }
        if rejectedModel > 0 { out.append("  \(rejectedModel) ask for a model the candidate does not offer (would answer 404)") }
        out.append("")
        out += table(title: "backend", rows: backends)
        out.append("")
        out += table(title: "rule", rows: rules)
        out.append("")
        out.append("moved: \(Plural.count(moved, "request")) (\(Self.percent(moved, of: replayed))) change backend; \(ruleChanged) change rule")
        let fromWidth = moves.map(\.from.count).max() ?? 0
        for move in moves {
            out.append("  \(move.from.padding(toLength: fromWidth, withPad: " ", startingAt: 0)) -> \(move.to)  \(move.count)")
        }
        if !examples.isEmpty {
            out.append("")
            out.append("examples (first \(examples.count) of \(moved)):")
            for example in examples {
                let label = example.label.map { "  [label \($0)]" } ?? ""
                out.append("  \(example.id)  \(example.timestamp)  \(example.from) -> \(example.to)\(label)  \"\(example.prompt)\"")
                out.append("    before: \(example.reasonBefore)")
                out.append("    after:  \(example.reasonAfter)")
            }
        }
        out.append("")
        out += costLines()
        out.append("")
        out += qualityLines()
        return out.joined(separator: "\n")
    }

    private func table(title: String, rows: [Share]) -> [String] {
        let width = max(title.count, rows.map(\.name.count).max() ?? 0) + 2
        var lines = [title.padding(toLength: width, withPad: " ", startingAt: 0) + "before".leftPadded(16) + "after".leftPadded(16) + "change".leftPadded(9)]
        for row in rows {
            let change = row.after - row.before
            lines.append(row.name.padding(toLength: width, withPad: " ", startingAt: 0)
                + "\(row.before) (\(Self.percent(row.before, of: replayed)))".leftPadded(16)
                + "\(row.after) (\(Self.percent(row.after, of: replayed)))".leftPadded(16)
                + (change == 0 ? "0" : String(format: "%+d", change)).leftPadded(9))
        }
        return lines
    }

    private func costLines() -> [String] {
        var lines = ["cost at the candidate's prices (tokens as logged\(cost.estimatedTokens > 0 ? "; \(cost.estimatedTokens) estimated, no usage in the record" : "")):"]
        lines.append("  before (recorded backends)  \(Self.usd(cost.beforeUSD))   (the log's own cost_usd: \(Self.usd(cost.recordedUSD)))")
        lines.append("  after  (candidate)          \(Self.usd(cost.afterUSD))   \(Self.signedPercent(cost.afterUSD - cost.beforeUSD, of: cost.beforeUSD)) vs before")
        if let remote = cost.compareTo, let all = cost.allRemoteUSD {
            lines.append("  all on '\(remote)'             \(Self.usd(all))")
            lines.append("  savings vs all '\(remote)': before \(Self.usd(all - cost.beforeUSD)) (\(Self.percent(all - cost.beforeUSD, of: all))), after \(Self.usd(all - cost.afterUSD)) (\(Self.percent(all - cost.afterUSD, of: all)))")
        }
        return lines
    }

    private func qualityLines() -> [String] {
        guard quality.labelled > 0 else {
            return ["quality: no labelled requests in the log (feedback, local fallbacks, shadow comparisons label them)"]
        }
        let rules = quality.perRule.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let local = localBackends.joined(separator: ", ")
        return [
            "quality, from \(Plural.count(quality.labelled, "labelled request")) (\(rules)); local = \(local):",
            "  known-bad local answers (label 1):  \(quality.knownBad) -> \(quality.badNowRemote) would now go remote, \(quality.badStillLocal) stay local",
            "  known-good local answers (label 0): \(quality.knownGood) -> \(quality.goodNowRemote) would leave local, \(quality.goodStillLocal) stay local",
        ]
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "-" : String(format: "%.1f%%", 100 * Double(part) / Double(whole))
    }

    static func percent(_ part: Double, of whole: Double) -> String {
        whole == 0 ? "-" : String(format: "%.1f%%", 100 * part / whole)
    }

    static func signedPercent(_ part: Double, of whole: Double) -> String {
        whole == 0 ? "-" : String(format: "%+.1f%%", 100 * part / whole)
    }

    static func usd(_ value: Double) -> String {
        String(format: value < 0 ? "-$%.4f" : "$%.4f", abs(value))
    }

    /// The report as JSON (snake_case keys, sorted), one line.
    public func json() -> Data {
        Data((try? JSONCoding.encode(self)) ?? JSONValue.object([:]).jsonBytes)
    }
}

extension String {
    /// The string right-aligned in `width` columns.
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
