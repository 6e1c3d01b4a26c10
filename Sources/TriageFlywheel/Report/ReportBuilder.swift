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
            guard let date else { aggregates.outOfRange += 1; return }
            if let since = options.since, date < since { aggregates.outOfRange += 1; return }
            if let until = options.until, date >= until { aggregates.outOfRange += 1; return }
        }
        if let date { aggregates.see(date, text: record.timestamp) }
        aggregates.total += 1
        let name = record.backend ?? "(rejected)"
        aggregates.rules[ReportAggregates.ruleName(rule: record.rule, backend: record.backend), default: 0] += 1
        let cost = actualCost(of: record)
        // Mutated in place: a copy taken out of the dictionary would copy its histograms per record.
        Self.add(record, cost: cost, to: &aggregates.backends[name, default: ReportAggregates.Backend()])
        if let shadowCost = entry.shadow?.costUSD { aggregates.shadowCost.add(shadowCost) }
        var saving: Double?
        if let reference = options.remoteBackend, let price = options.prices[reference],
           let backend = record.backend, backend != reference {
            if let usage = record.usage {
                aggregates.compared += 1
                aggregates.comparedTokens += usage.promptTokens + usage.completionTokens
                let remote = price.cost(inputTokens: usage.promptTokens, outputTokens: usage.completionTokens)
                aggregates.remoteCost.add(remote)
                aggregates.actualCost.add(cost)
                saving = remote - cost
            } else {
                aggregates.withoutUsage += 1
            }
        }
        if let fit = record.scores?.fit, let date {
            // The writer's timestamps are UTC ("…Z"): their first ten characters are the UTC day.
            let day = record.timestamp.hasSuffix("Z") ? String(record.timestamp.prefix(10)) : String(RoutingLogRecord.timestamp(date).prefix(10))
            aggregates.fitsByDay[day, default: FitHistogram()].add(fit)
        }
        if let date { timeline?.add(record, at: date, backend: name, cost: cost, savings: saving) }
    }

    private static func add(_ record: RoutingLogRecord, cost: Double, to counters: inout ReportAggregates.Backend) {
        counters.requests += 1
        if record.status >= 400 || record.error != nil { counters.errors += 1 }
        counters.latency.record(record.latencyMs)
        if record.stream {
            counters.streams += 1
            if let ttft = record.ttftMs { counters.ttft.record(ttft) }
        }
        if let usage = record.usage {
            counters.promptTokens += usage.promptTokens
            counters.completionTokens += usage.completionTokens
        }
        counters.cost.add(cost)
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
        aggregates.report(options: options, timeline: timeline?.timeline(reference: options.driftReference, minFit: options.minFit),
                          unreadableLines: unreadableLines)
    }
}
