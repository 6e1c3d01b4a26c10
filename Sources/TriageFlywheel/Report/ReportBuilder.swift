import Foundation
import TriageLog

/// Builds a ``Report`` from a stream of records with running counters: memory depends on the
/// number of backends and rules, never on the number of records (percentiles come from
/// fixed-size ``LatencyHistogram``s).
public struct ReportBuilder: Sendable {
    /// The options.
    public let options: ReportOptions
    /// The totals so far.
    public private(set) var aggregates = ReportAggregates()
    private var timeline: TimelineBuilder?
    /// The last UTC day named by ``day(of:date:)`` (records come mostly in time order).
    private var lastDay: (number: Int, name: String)?

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
        add(ReportFacts(entry), date: date)
    }

    /// Adds one record's facts (`date`: its parsed timestamp, nil when it could not be parsed).
    public mutating func add(_ facts: ReportFacts, date: Date?) {
        if options.since != nil || options.until != nil {
            guard let date else { aggregates.outOfRange += 1; return }
            if let since = options.since, date < since { aggregates.outOfRange += 1; return }
            if let until = options.until, date >= until { aggregates.outOfRange += 1; return }
        }
        if let date { aggregates.see(date, text: facts.timestamp) }
        aggregates.total += 1
        let name = facts.backend ?? "(rejected)"
        aggregates.rules[ReportAggregates.ruleName(rule: facts.rule, backend: facts.backend), default: 0] += 1
        let cost = actualCost(of: facts)
        // Mutated in place: a copy taken out of the dictionary would copy its histograms per record.
        Self.add(facts, cost: cost, to: &aggregates.backends[name, default: ReportAggregates.Backend()])
        if let shadowCost = facts.shadowCostUSD { aggregates.shadowCost.add(shadowCost) }
        var saving: Double?
        if let reference = options.remoteBackend, let price = options.prices[reference],
           let backend = facts.backend, backend != reference {
            if let usage = facts.usage {
                aggregates.compared += 1
                aggregates.comparedTokens += usage.prompt + usage.completion
                let remote = price.cost(inputTokens: usage.prompt, outputTokens: usage.completion)
                aggregates.remoteCost.add(remote)
                aggregates.actualCost.add(cost)
                saving = remote - cost
            } else {
                aggregates.withoutUsage += 1
            }
        }
        if let fit = facts.fit, let date { aggregates.fitsByDay[day(of: facts, date: date), default: FitHistogram()].add(fit) }
        if let date { timeline?.add(facts, at: date, backend: name, cost: cost, savings: saving) }
    }

    /// The UTC day (`YYYY-MM-DD`) a record's fit is counted under.
    private mutating func day(of facts: ReportFacts, date: Date) -> String {
        // The writer's timestamps are UTC ("…Z"): their first ten characters are the UTC day.
        if let text = facts.timestamp {
            return text.hasSuffix("Z") ? String(text.prefix(10)) : String(RoutingLogRecord.timestamp(date).prefix(10))
        }
        let number = LogRotationPolicy.utcDay(date)
        if let cached = lastDay, cached.number == number { return cached.name }
        let name = String(RoutingLogRecord.timestamp(Date(timeIntervalSince1970: Double(number) * 86_400)).prefix(10))
        lastDay = (number, name)
        return name
    }

    private static func add(_ facts: ReportFacts, cost: Double, to counters: inout ReportAggregates.Backend) {
        counters.requests += 1
        if facts.failed { counters.errors += 1 }
        counters.latency.record(facts.latencyMs)
        if facts.stream {
            counters.streams += 1
            if let ttft = facts.ttftMs { counters.ttft.record(ttft) }
        }
        if let usage = facts.usage {
            counters.promptTokens += usage.prompt
            counters.completionTokens += usage.completion
        }
        counters.cost.add(cost)
    }

    /// The logged cost, else the backend's price times the usage, else 0.
    private func actualCost(of facts: ReportFacts) -> Double {
        if let cost = facts.costUSD { return cost }
        guard let backend = facts.backend, let price = options.prices[backend], let usage = facts.usage else { return 0 }
        return price.cost(inputTokens: usage.prompt, outputTokens: usage.completion)
    }

    /// The report of everything added so far.
    /// - Parameter unreadableLines: Lines the stream skipped, to show in the report.
    public func report(unreadableLines: Int = 0) -> Report {
        aggregates.report(options: options, timeline: timeline?.timeline(reference: options.driftReference, minFit: options.minFit),
                          unreadableLines: unreadableLines)
    }
}
