import Foundation
import PostgresNIO
import TriageFlywheel
import TriageLog

/// `triage report` over the database. Without a timeline the figures are computed by PostgreSQL
/// (``ReportQueries``: a few `GROUP BY` queries over the range's day partitions). The dashboard's
/// timeline (`bucketSeconds`, also `report --html`) needs per-record fields the columns do not
/// hold (attempts, scores): then the range's lines are read in pages and added to the same
/// ``ReportBuilder`` a JSONL log goes through. Either way the report equals the JSONL one.
extension PostgresStore {
    public func report(options: ReportOptions) async throws -> Report {
        guard options.bucketSeconds != nil else {
            return try await reportAggregates(options: options).report(options: options, timeline: nil, unreadableLines: 0)
        }
        async let outside = readOutside(options)
        var builder = ReportBuilder(options: options)
        var unreadable = 0
        var last: Int64 = 0
        while true {
            let page = try await logLines(after: last, limit: 10_000, since: options.since, until: options.until)
            guard let tail = page.last else { break }
            for entry in page {
                if let parsed = LogEntry.parse(line: Array(entry.line.utf8)) { builder.add(parsed) } else { unreadable += 1 }
            }
            last = tail.seq
        }
        var report = builder.report(unreadableLines: unreadable)
        report.outOfRange = try await outside
        return report
    }
}
