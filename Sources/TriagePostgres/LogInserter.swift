import Foundation
import PostgresNIO
import Synchronization
import TriageLog

/// Writes rows with multi-row `INSERT ... ON CONFLICT DO NOTHING` (bound parameters, up to
/// ``rowsPerStatement`` rows a statement), creating the day partitions the rows need first.
/// Used by one task at a time (the sink's writer, `migrate-log`).
///
/// Per batch it costs one statement and nothing more: the statement text for each row count is
/// built once and kept (batches of a few rows repeat the same few texts), and how many rows were
/// new comes from the command tag (`INSERT 0 n`), not from a `RETURNING` row per record.
final class LogInserter: Sendable {
    let store: PostgresStore
    /// PostgreSQL takes at most 65,535 parameters a statement.
    static let rowsPerStatement = 65_535 / LogSchema.columns.count
    /// Statement texts kept for row counts up to this (larger batches build theirs each time).
    static let cachedRowCounts = 64
    private let knownDays = Mutex<Set<Int>>([])
    private let migrated = Mutex(false)
    private let statements = Mutex<[Int: String]>([:])

    init(store: PostgresStore) {
        self.store = store
    }

    /// Inserts `rows`; returns how many were new (the rest were already stored).
    @discardableResult
    func insert(_ rows: ArraySlice<LogRow>) async throws -> Int {
        try await ensureMigrated()
        try await ensurePartitions(Set(rows.map(\.day)))
        var inserted = 0
        var start = rows.startIndex
        while start < rows.endIndex {
            let end = min(rows.endIndex, start + Self.rowsPerStatement)
            inserted += try await insertChunk(rows[start..<end])
            start = end
        }
        return inserted
    }

    /// Brings the schema up to date once: at the sink's start, and before the first insert (the
    /// database may have been down when the replica started).
    func ensureMigrated() async throws {
        if migrated.withLock({ $0 }) { return }
        try await store.migrate()
        migrated.withLock { $0 = true }
    }

    private func insertChunk(_ rows: ArraySlice<LogRow>) async throws -> Int {
        var binds = PostgresBindings(capacity: rows.count * LogSchema.columns.count)
        for row in rows { row.bind(to: &binds) }
        let query = PostgresQuery(unsafeSQL: statement(rows: rows.count), binds: binds)
        let logger = store.logger
        let metadata = try await store.client.withConnection { connection in
            // The future form of `query` hands back the command tag with the rows (there are none).
            let result: EventLoopFuture<PostgresQueryResult> = connection.query(query, logger: logger)
            return try await result.get().metadata
        }
        return metadata.rows ?? 0
    }

    /// `INSERT INTO <table> (columns) VALUES ($1,...),(...) ON CONFLICT DO NOTHING` for `count` rows.
    func statement(rows count: Int) -> String {
        if count <= Self.cachedRowCounts, let cached = statements.withLock({ $0[count] }) { return cached }
        let width = LogSchema.columns.count
        var sql = "INSERT INTO \(store.table) (\(LogSchema.columns.joined(separator: ","))) VALUES "
        sql.reserveCapacity(sql.utf8.count + count * width * 7)
        var parameter = 1
        for index in 0..<count {
            sql += index == 0 ? "(" : ",("
            for column in 0..<width {
                if column > 0 { sql += "," }
                sql += "$\(parameter)"
                if column == LogSchema.timestampColumn { sql += "::timestamptz" }
                parameter += 1
            }
            sql += ")"
        }
        sql += " ON CONFLICT DO NOTHING"
        if count <= Self.cachedRowCounts { statements.withLock { $0[count] = sql } }
        return sql
    }

    /// Creates each day's partition that this inserter has not seen yet.
    func ensurePartitions(_ days: Set<Int>) async throws {
        let missing = knownDays.withLock { days.subtracting($0) }
        for day in missing.sorted() {
            try await store.execute(LogSchema.createPartition(
                table: store.table, day: LogRow.dayString(day), nextDay: LogRow.dayString(day + 1)))
            _ = knownDays.withLock { $0.insert(day) }
        }
    }

    /// Forgets the partitions seen (after retention dropped some).
    func forgetPartitions() {
        knownDays.withLock { $0.removeAll() }
    }
}
