import Foundation
import TriageLog

/// Builds a ``Report`` from a stream of records with running counters: memory depends on the
/// number of backends and rules, never on the number of records (percentiles come from
/// fixed-size ``LatencyHistogram``s).
public struct ReportBuilder: Sendable {
    private struct BackendCounters: Sendable {
        var requests = 0
        var errors = 0
        var streams = 0
        var latency = LatencyHistogram()
        var ttft = LatencyHistogram()
        var promptTokens = 0
        var completionTokens = 0
        var cost = 0.0

        mutating func add(_ record: RoutingLogRecord, cost: Double) {
            requests += 1
            if record.status >= 400 || record.error != nil { errors += 1 }
            latency.record(record.latencyMs)
            if record.stream {
                streams += 1
                if let ttft = record.ttftMs { self.ttft.record(ttft) }
            }
            if let usage = record.usage {
                promptTokens += usage.promptTokens
                completionTokens += usage.completionTokens
            }
            self.cost += cost
        }
    }

    /// The options.
    public let options: ReportOptions
    private var backends: [String: BackendCounters] = [:]
    private var rules: [String: Int] = [:]
    private var total = 0
    private var outOfRange = 0
    private var first: (Date, String)?
    private var last: (Date, String)?
    private var compared = 0
    private var withoutUsage = 0
    private var comparedTokens = 0
    private var remoteCost = 0.0
    private var actualCost = 0.0
    private var shadowCost = 0.0
    private var fitsByDay: [String: FitHistogram] = [:]
    private var timeline: TimelineBuilder?

    /// Creates an empty builder.
    public init(options: ReportOptions = ReportOptions()) {
        self.options = options
        timeline = options.bucketSeconds.map(TimelineBuilder.init(bucketSeconds:))
    }

    /// Streams the log at `logPath` and its rotated files into a report.
    public static func build(logPath: String, options: ReportOptions, onSkip: @escaping (String) -> Void = { _ in }) throws(FlywheelError) -> Report {
        let stream = try LogStream(path: logPath, onSkip: onSkip)
        var builder = ReportBuilder(options: options)
        for entry in stream { builder.add(entry) }
        return builder.report(unreadableLines: stream.skippedLines)
    }

    /// Adds one entry.
    public mutating func add(_ entry: LogEntry) {
        add(entry, date: LogTimestamp.parse(entry.record.timestamp))
    }

    /// Adds one entry whose timestamp was already parsed (`date`: nil when it could not be).
    public mutating func add(_ entry: LogEntry, date: Date?) {
        let record = entry.record
        if options.since != nil || options.until != nil {
            guard let date else { outOfRange += 1; return }
            if let since = options.since, date < since { outOfRange += 1; return }
            if let until = options.until, date >= until { outOfRange += 1; return }
        }
        if let date {
            if first.map({ date < $0.0 }) ?? true { first = (date, record.timestamp) }
            if last.map({ date > $0.0 }) ?? true { last = (date, record.timestamp) }
        }
        total += 1
        let name = record.backend ?? "(rejected)"
        rules[record.rule ?? (record.backend == nil ? "(rejected)" : "(default)"), default: 0] += 1
        let cost = actualCost(of: record)
        // Mutated in place: a copy taken out of the dictionary would copy its histograms per record.
        backends[name, default: BackendCounters()].add(record, cost: cost)
        if let shadowCost = entry.shadow?.costUSD { self.shadowCost += shadowCost }
        var saving: Double?
        if let reference = options.remoteBackend, let price = options.prices[reference],
           let backend = record.backend, backend != reference {
            if let usage = record.usage {
                compared += 1
                comparedTokens += usage.promptTokens + usage.completionTokens
                let remote = price.cost(inputTokens: usage.promptTokens, outputTokens: usage.completionTokens)
                remoteCost += remote
                actualCost += cost
                saving = remote - cost
            } else {
                withoutUsage += 1
            }
        }
        if let fit = record.scores?.fit, let date {
            // The writer's timestamps are UTC ("…Z"): their first ten characters are the UTC day.
            let day = record.timestamp.hasSuffix("Z") ? String(record.timestamp.prefix(10)) : String(RoutingLogRecord.timestamp(date).prefix(10))
            fitsByDay[day, default: FitHistogram()].add(fit)
        }
        if let date { timeline?.add(record, at: date, backend: name, cost: cost, savings: saving) }
    }

    /// The logged cost, else the backend's price times the usage, else 0.
    private func actualCost(of record: RoutingLogRecord) -> Double {
        if let cost = record.costUSD { return cost }
        guard let backend = record.backend, let price = options.prices[backend], let usage = record.usage else { return 0 }
        return price.cost(inputTokens: usage.promptTokens, outputTokens: usage.completionTokens)
    }

    /// The report of everything added so far.
    /// - Parameter unreadableLines: Lines the stream skipped, to show in the report.
    public func report(unreadableLines: Int = 0) -> Report {
        let share = { (count: Int) -> Double in self.total == 0 ? 0 : Double(count) * 100 / Double(self.total) }
        let backendReports = backends.map { name, c in
            BackendReport(name: name, requests: c.requests, sharePercent: share(c.requests), errors: c.errors, streams: c.streams,
                          latencyMs: Percentiles(c.latency), ttftMs: Percentiles(c.ttft),
                          promptTokens: c.promptTokens, completionTokens: c.completionTokens, costUSD: c.cost)
        }.sorted { ($0.requests, $1.name) > ($1.requests, $0.name) }
        let ruleReports = rules.map { RuleReport(name: $0.key, requests: $0.value, sharePercent: share($0.value)) }
            .sorted { ($0.requests, $1.name) > ($1.requests, $0.name) }
        let days: Double
        if let since = options.since, let until = options.until {
            days = until.timeIntervalSince(since) / 86_400
        } else if let first, let last {
            days = last.0.timeIntervalSince(first.0) / 86_400
        } else {
            days = 0
        }
        var savings: SavingsReport?
        if let reference = options.remoteBackend, let price = options.prices[reference] {
            let saved = remoteCost - actualCost
            let perRequest = compared > 0 ? saved / Double(compared) : nil
            var breakEven: BreakEven?
            if let fixed = options.monthlyFixedCostUSD {
                let requestsPerMonth = perRequest.flatMap { $0 > 0 ? fixed / $0 : nil }
                let tokensPerMonth = (saved > 0 && comparedTokens > 0) ? fixed / (saved / Double(comparedTokens)) : nil
                let observed = days > 0 ? Double(compared) * 30 / days : nil
                let net = observed.flatMap { observed in perRequest.map { observed * $0 - fixed } }
                breakEven = BreakEven(monthlyFixedCostUSD: fixed, requestsPerMonth: requestsPerMonth, tokensPerMonth: tokensPerMonth,
                                      observedRequestsPerMonth: observed, netPerMonthUSD: net)
            }
            savings = SavingsReport(referenceBackend: reference, referencePrice: price, comparedRequests: compared,
                                    requestsWithoutUsage: withoutUsage, comparedTokens: comparedTokens,
                                    remoteEquivalentCostUSD: remoteCost, actualCostUSD: actualCost, savingsUSD: saved,
                                    savingsPerRequestUSD: perRequest, shadowCostUSD: shadowCost,
                                    netSavingsUSD: saved - shadowCost, breakEven: breakEven)
        }
        return Report(
            since: options.since.map(RoutingLogRecord.timestamp), until: options.until.map(RoutingLogRecord.timestamp),
            firstTimestamp: first?.1, lastTimestamp: last?.1, periodDays: days, totalRequests: total,
            outOfRange: outOfRange, unreadableLines: unreadableLines, backends: backendReports, rules: ruleReports, savings: savings,
            classifier: classifierSection())
    }

    /// Thresholds, drift per day and, when asked for, the timeline; nil when nothing was classified
    /// and no timeline was asked for.
    private func classifierSection() -> ReportClassifier? {
        guard !fitsByDay.isEmpty || timeline != nil else { return nil }
        let reference = options.driftReference
        let days = fitsByDay.keys.sorted().compactMap { day -> DriftDay? in
            guard let fits = fitsByDay[day] else { return nil }
            let summary = (reference ?? FitDriftReference(heldOutFits: [])).summary(of: fits, minFit: options.minFit)
            return DriftDay(day: day, drift: summary)
        }
        return ReportClassifier(minFit: options.minFit, maxComplexity: options.maxComplexity,
                                referenceHeldOut: reference?.histogram.total, driftByDay: days,
                                timeline: timeline?.timeline(reference: reference, minFit: options.minFit))
    }
}
