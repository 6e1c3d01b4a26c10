import Foundation
import TriageLog

/// What a report reads of one routing record (``ReportBuilder/add(_:date:)``): the fields its
/// counters, histograms and timeline use, nothing of the prompt, answer or reason. Made from a
/// log entry (``init(_:)``) or from the dashboard's compact in-memory copy of one.
public struct ReportFacts: Sendable, Equatable {
    /// The record's `ts` as written; nil when it is exactly `RoutingLogRecord.timestamp(date)`
    /// (the writer's own format), which the report then prints from the date.
    public var timestamp: String?
    public var backend: String?
    public var rule: String?
    /// Status ≥ 400 or an error.
    public var failed: Bool
    public var stream: Bool
    public var latencyMs: Double
    public var ttftMs: Double?
    /// Prompt and completion tokens, when the record has usage.
    public var usage: (prompt: Int, completion: Int)?
    public var costUSD: Double?
    public var shadowCostUSD: Double?
    public var fit: Double?
    /// The complexity score, when the record was classified.
    public var complexity: Double?
    /// More than one attempt (a fallback).
    public var fallback: Bool
    public var replica: String?

    /// Creates facts.
    public init(timestamp: String?, backend: String?, rule: String?, failed: Bool, stream: Bool, latencyMs: Double, ttftMs: Double?,
                usage: (prompt: Int, completion: Int)?, costUSD: Double?, shadowCostUSD: Double?, fit: Double?, complexity: Double?,
                fallback: Bool, replica: String?) {
        self.timestamp = timestamp
        self.backend = backend
        self.rule = rule
        self.failed = failed
        self.stream = stream
        self.latencyMs = latencyMs
        self.ttftMs = ttftMs
        self.usage = usage
        self.costUSD = costUSD
        self.shadowCostUSD = shadowCostUSD
        self.fit = fit
        self.complexity = complexity
        self.fallback = fallback
        self.replica = replica
    }

    /// The facts of a log entry (its shadow comparison's cost from ``LogEntry/shadow``).
    public init(_ entry: LogEntry) {
        self.init(entry.record, shadowCostUSD: entry.shadow?.costUSD)
    }

    /// The facts of a record (the live path: no ``LogEntry`` made, the record not copied).
    public init(_ record: RoutingLogRecord, shadowCostUSD: Double?) {
        self.init(timestamp: record.timestamp, backend: record.backend, rule: record.rule, failed: record.status >= 400 || record.error != nil,
                  stream: record.stream, latencyMs: record.latencyMs, ttftMs: record.ttftMs,
                  usage: record.usage.map { ($0.promptTokens, $0.completionTokens) }, costUSD: record.costUSD,
                  shadowCostUSD: shadowCostUSD, fit: record.scores?.fit, complexity: record.scores?.complexity,
                  fallback: (record.attempts?.count ?? 0) > 1, replica: record.replica)
    }

    public static func == (lhs: ReportFacts, rhs: ReportFacts) -> Bool {
        lhs.timestamp == rhs.timestamp && lhs.backend == rhs.backend && lhs.rule == rhs.rule && lhs.failed == rhs.failed
            && lhs.stream == rhs.stream && lhs.latencyMs == rhs.latencyMs && lhs.ttftMs == rhs.ttftMs
            && lhs.usage?.prompt == rhs.usage?.prompt && lhs.usage?.completion == rhs.usage?.completion && lhs.costUSD == rhs.costUSD
            && lhs.shadowCostUSD == rhs.shadowCostUSD && lhs.fit == rhs.fit && lhs.complexity == rhs.complexity
            && lhs.fallback == rhs.fallback && lhs.replica == rhs.replica
    }
}
