import Foundation
import PostgresNIO
import TriageFlywheel
import TriageLog

/// `triage report` over the database, computed by PostgreSQL: a few `GROUP BY` queries over the
/// range's day partitions (``ReportQueries``), the dashboard's timeline (`bucketSeconds`, also
/// `report --html`) included (``ReportQueries/timeline(table:options:bucketSeconds:)``). The
/// report equals the one the same records give read from a JSONL log.
extension PostgresStore {
    public func report(options: ReportOptions) async throws -> Report {
        guard let bucketSeconds = options.bucketSeconds else {
            return try await reportAggregates(options: options).report(options: options, timeline: nil, unreadableLines: 0)
        }
        let seconds = max(bucketSeconds, 1)
        async let timeline = readTimeline(options, bucketSeconds: seconds)
        let aggregates = try await reportAggregates(options: options)
        return aggregates.report(options: options, timeline: try await timeline.timeline(reference: options.driftReference, minFit: options.minFit),
                                 unreadableLines: 0)
    }
}
