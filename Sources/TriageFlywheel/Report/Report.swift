import Foundation
import TriageJSON
import TriageLog

/// The result of `triage report`: traffic per backend and rule, latency, tokens, cost and savings.
///
/// ``render()`` gives the plain-text tables, ``json()`` the machine form (sorted keys).
public struct Report: Sendable, Codable, Equatable {
    /// The requested range start (ISO 8601), if any.
    public var since: String?
    /// The requested range end (ISO 8601), if any.
    public var until: String?
    /// Timestamp of the first record in range.
    public var firstTimestamp: String?
    /// Timestamp of the last record in range.
    public var lastTimestamp: String?
    /// Length of the period in days: `until − since` when both are given, else last − first.
    public var periodDays: Double
    /// Requests in range.
    public var totalRequests: Int
    /// Records outside the time range (or with an unreadable timestamp while a range is set).
    public var outOfRange: Int
    /// Lines that are not complete records.
    public var unreadableLines: Int
    /// Per backend, most requests first.
    public var backends: [BackendReport]
    /// Per rule, most requests first.
    public var rules: [RuleReport]
    /// Savings versus the remote reference, when a reference backend with a price was given.
    public var savings: SavingsReport?
    /// Classifier thresholds, fit drift per day and the dashboard timeline; nil without classified requests.
    public var classifier: ReportClassifier?

    enum CodingKeys: String, CodingKey {
        case since
        case until
        case firstTimestamp = "first_timestamp"
        case lastTimestamp = "last_timestamp"
        case periodDays = "period_days"
        case totalRequests = "total_requests"
        case outOfRange = "out_of_range"
        case unreadableLines = "unreadable_lines"
        case backends
        case rules
        case savings
        case classifier
    }

    /// Creates a report.
    public init(since: String? = nil, until: String? = nil, firstTimestamp: String? = nil, lastTimestamp: String? = nil, periodDays: Double = 0, totalRequests: Int = 0, outOfRange: Int = 0, unreadableLines: Int = 0, backends: [BackendReport] = [], rules: [RuleReport] = [], savings: SavingsReport? = nil, classifier: ReportClassifier? = nil) {
        self.since = since
        self.until = until
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.periodDays = periodDays
        self.totalRequests = totalRequests
        self.outOfRange = outOfRange
        self.unreadableLines = unreadableLines
        self.backends = backends
        self.rules = rules
        self.savings = savings
        self.classifier = classifier
    }

    /// The report as pretty-printed JSON with sorted, snake_case keys (like the routing log:
    /// `total_requests`, `backends[].latency_ms.p99`, `savings.break_even.requests_per_month`).
    public func json() throws(FlywheelError) -> Data {
        do { return Data(try JSONCoding.encode(self, pretty: true)) } catch {
            throw .cannotWrite(path: "(report JSON)", reason: "\(error)")
        }
    }

    /// Reads a report written by ``json()``.
    public static func decode(json: Data) throws(FlywheelError) -> Report {
        do { return try JSONCoding.decode(Report.self, from: Array(json)) } catch {
            throw .cannotRead(path: "(report JSON)", reason: "\(error)")
        }
    }

    /// The report as plain-text tables.
    public func render() -> String {
        var out: [String] = []
        let range = "\(since ?? firstTimestamp ?? "-") … \(until ?? lastTimestamp ?? "-")"
        out.append("Triage report  \(range)  (\(Self.number(periodDays, 2)) days, \(Plural.count(totalRequests, "request")))")
        if outOfRange > 0 || unreadableLines > 0 {
            out.append("skipped: \(outOfRange) out of range, \(Plural.count(unreadableLines, "unreadable line"))")
        }
        out.append("")
        out.append(contentsOf: Self.table(
            ["backend", "requests", "share", "errors", "p50 ms", "p90 ms", "p99 ms", "ttft p50", "ttft p99", "prompt tok", "compl tok", "cost $"],
            backends.map { b in
                [b.name, "\(b.requests)", Self.number(b.sharePercent, 1) + "%", "\(b.errors)",
                 Self.optional(b.latencyMs?.p50), Self.optional(b.latencyMs?.p90), Self.optional(b.latencyMs?.p99),
                 Self.optional(b.ttftMs?.p50), Self.optional(b.ttftMs?.p99),
                 "\(b.promptTokens)", "\(b.completionTokens)", Self.number(b.costUSD, 4)]
            }))
        out.append("")
        out.append(contentsOf: Self.table(["rule", "requests", "share"], rules.map { [$0.name, "\($0.requests)", Self.number($0.sharePercent, 1) + "%"] }))
        if let savings {
            out.append("")
            out.append("Savings versus sending everything to \(savings.referenceBackend) ($\(Self.number(savings.referencePrice.inputPerMillion, 2)) in / $\(Self.number(savings.referencePrice.outputPerMillion, 2)) out per 1M tokens)")
            var rows: [[String]] = [
                ["requests compared", "\(savings.comparedRequests)"],
                ["without usage (not compared)", "\(savings.requestsWithoutUsage)"],
                ["tokens compared", "\(savings.comparedTokens)"],
                ["cost at \(savings.referenceBackend) $", Self.number(savings.remoteEquivalentCostUSD, 4)],
                ["actual cost $", Self.number(savings.actualCostUSD, 4)],
                ["savings $", Self.number(savings.savingsUSD, 4)],
                ["savings per request $", Self.optional(savings.savingsPerRequestUSD, 6)],
                ["shadow spend $", Self.number(savings.shadowCostUSD, 4)],
                ["net savings $", Self.number(savings.netSavingsUSD, 4)],
            ]
            if let breakEven = savings.breakEven {
                rows += [
                    ["fixed cost per month $", Self.number(breakEven.monthlyFixedCostUSD, 2)],
                    ["break-even requests/month", Self.optional(breakEven.requestsPerMonth, 0, none: "never")],
                    ["break-even tokens/month", Self.optional(breakEven.tokensPerMonth, 0, none: "never")],
                    ["observed requests/month", Self.optional(breakEven.observedRequestsPerMonth, 0)],
                    ["net per month $", Self.optional(breakEven.netPerMonthUSD, 2)],
                ]
            }
            out.append(contentsOf: Self.table(["", ""], rows, header: false))
        }
        if let classifier, !classifier.driftByDay.isEmpty {
            out.append("")
            let against = classifier.referenceHeldOut.map { "the reference's \($0) held-out prompts" } ?? "no reference (PSI/KS need auto.reference)"
            out.append("Fit drift per day, against \(against); drift = PSI ≥ \(Self.number(DriftStatistics.psiDrift, 2)) or KS > \(Self.number(DriftStatistics.ksDrift, 2)) (significant at 1%)")
            out.append(contentsOf: Self.table(
                ["day", "classified", "< min_fit", "PSI", "KS", ""],
                classifier.driftByDay.map { day in
                    let d = day.drift
                    return [day.day, "\(d.requests)", d.belowMinFitShare.map { Self.number($0 * 100, 1) + "%" } ?? "-",
                            Self.optional(d.psi, 3), Self.optional(d.ks, 3), d.drifting ? "DRIFT" : ""]
                }))
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func table(_ headers: [String], _ rows: [[String]], header: Bool = true) -> [String] {
        let all = header ? [headers] + rows : rows
        var widths = [Int](repeating: 0, count: headers.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        return all.map { row in
            row.enumerated().map { index, cell in
                let width = index < widths.count ? widths[index] : cell.count
                let pad = String(repeating: " ", count: max(0, width - cell.count))
                return index == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
    }

    private static func number(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    private static func optional(_ value: Double?, _ decimals: Int = 0, none: String = "-") -> String {
        value.map { number($0, decimals) } ?? none
    }
}
