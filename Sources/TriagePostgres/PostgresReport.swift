import Foundation
import PostgresNIO
import TriageFlywheel
import TriageLog

/// `triage report` over the database: the time range is a SQL condition (only its day partitions
/// are read) and only the columns the report uses come back (no prompt, no answer, no JSON to
/// parse); the figures come from the same ``ReportBuilder`` as for a JSONL log, so both sources
/// print the same report.
extension PostgresStore {
    public func report(options: ReportOptions) async throws -> Report {
        var builder = ReportBuilder(options: options)
        var binds = PostgresBindings()
        var conditions: [String] = []
        if let since = options.since {
            binds.append(since)
            conditions.append("ts >= $\(binds.count)")
        }
        if let until = options.until {
            binds.append(until)
            conditions.append("ts < $\(binds.count)")
        }
        let sql = """
            SELECT ts, endpoint, backend, rule, status, failed, stream, latency_ms, ttft_ms, prompt_tokens,
                   completion_tokens, cost_usd, shadow_cost_usd FROM \(table)
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            """
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        typealias Columns = (Date, String, String?, String?, Int, Bool, Bool, Double, Double?, Int?, Int?, Double?, Double?)
        for try await row in rows.decode(Columns.self) {
            var record = RoutingLogRecord(
                id: "", timestamp: RoutingLogRecord.timestamp(row.0), endpoint: row.1, stream: row.6, backend: row.2,
                rule: row.3, reason: "", status: row.4, error: row.5 && row.4 < 400 ? "" : nil, latencyMs: row.7,
                ttftMs: row.8, costUSD: row.11)
            if let prompt = row.9, let completion = row.10 {
                record.usage = RoutingLogRecord.Usage(promptTokens: prompt, completionTokens: completion, source: "")
            }
            builder.add(LogEntry(record: record, shadow: row.12.map { RoutingLogRecord.Shadow(costUSD: $0) }))
        }
        var report = builder.report()
        if !conditions.isEmpty {
            // The JSONL report counts the records outside the range; so does this one.
            let outside = try await client.query(PostgresQuery(
                unsafeSQL: "SELECT count(*) FROM \(table) WHERE NOT (\(conditions.joined(separator: " AND ")))", binds: binds), logger: logger)
            for try await count in outside.decode(Int.self) { report.outOfRange = count }
        }
        return report
    }
}
