import Foundation
import PostgresNIO

/// What the dashboard asks the database when `log.sink` is `postgres`: the latest records of
/// every replica (the live view, newest first, filtered by backend, rule and status), one record
/// by id (the detail), and its latest feedback.
extension PostgresStore {
    /// A filter of the live view.
    public struct RecentFilter: Sendable {
        public var backend: String?
        public var rule: String?
        /// true: only failed requests, false: only successful ones.
        public var failed: Bool?
        public var status: Int?

        public init(backend: String? = nil, rule: String? = nil, failed: Bool? = nil, status: Int? = nil) {
            self.backend = backend
            self.rule = rule
            self.failed = failed
            self.status = status
        }
    }

    /// The JSON lines of the last `limit` records matching `filter`, newest first (the `seq`
    /// index, read backwards; only the last `days` day partitions are looked at).
    public func recentLines(limit: Int, filter: RecentFilter, days: Int = 8) async throws -> [String] {
        var conditions = SQLConditions()
        conditions.add("ts >= $", Date().addingTimeInterval(-Double(days) * 86_400))
        conditions.add("backend = $", filter.backend)
        conditions.add("rule = $", filter.rule)
        conditions.add("failed = $", filter.failed)
        conditions.add("status = $", filter.status)
        var binds = conditions.binds
        binds.append(limit)
        let sql = "SELECT line FROM \(table) WHERE \(conditions.sql) ORDER BY seq DESC LIMIT $\(binds.count)"
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        var lines: [String] = []
        for try await line in rows.decode(String.self) { lines.append(line) }
        return lines
    }

    /// The JSON line of the record `id`, if stored (the primary key's index).
    public func line(id: String) async throws -> String? {
        var binds = PostgresBindings()
        binds.append(LogRow.clean(id))
        let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT line FROM \(table) WHERE id = $1 LIMIT 1", binds: binds), logger: logger)
        for try await line in rows.decode(String.self) { return line }
        return nil
    }

    /// The latest feedback line stored for `requestID`, if any.
    public func latestFeedbackLine(requestID: String) async throws -> String? {
        var binds = PostgresBindings()
        binds.append(LogRow.clean(requestID))
        let rows = try await client.query(PostgresQuery(
            unsafeSQL: "SELECT line FROM \(feedbackTable) WHERE request_id = $1 ORDER BY seq DESC LIMIT 1", binds: binds), logger: logger)
        for try await line in rows.decode(String.self) { return line }
        return nil
    }
}
