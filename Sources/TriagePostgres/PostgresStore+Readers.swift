import Foundation
import Glibc
import PostgresNIO
import TriageFlywheel

/// What the readers of the log ask the database: a request id (feedback), the records in the
/// order they were stored (export, tail), and feedback lines.
extension PostgresStore {
    /// Whether a record with `id` is stored (the primary key's index, one probe per day partition).
    public func containsRequest(_ id: String) async throws -> Bool {
        var binds = PostgresBindings()
        binds.append(LogRow.clean(id))
        let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT 1 FROM \(table) WHERE id = $1 LIMIT 1", binds: binds), logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// Stores one feedback line for `requestID`; `pending`: in the pending table, for an id no
    /// replica has stored yet (moved by ``reconcilePendingFeedback(maxAge:)`` once it is).
    public func appendFeedback(_ feedback: Feedback, pending: Bool = false) async throws {
        var line = try feedback.jsonLine()
        line.removeLast()
        var binds = PostgresBindings()
        binds.append(LogRow.clean(feedback.requestID))
        binds.append(String(decoding: line, as: UTF8.self))
        try await execute("INSERT INTO \(feedbackTable)\(pending ? "_pending" : "") (request_id, line) VALUES ($1, $2)", binds)
    }

    /// Moves pending feedback whose request is now in the log to the feedback table (in the
    /// order it came), and drops pending feedback older than `maxAge` (its id never came).
    /// Returns how many were moved. Safe to run from every replica at once (one statement each).
    @discardableResult
    public func reconcilePendingFeedback(maxAge: Duration = .seconds(3600)) async throws -> Int {
        let pending = feedbackTable + "_pending"
        let moved = try await client.query(PostgresQuery(unsafeSQL: """
            WITH found AS (
                DELETE FROM \(pending) p WHERE EXISTS (SELECT 1 FROM \(table) l WHERE l.id = p.request_id)
                RETURNING p.seq, p.request_id, p.received_at, p.line)
            INSERT INTO \(feedbackTable) (request_id, received_at, line)
            SELECT request_id, received_at, line FROM found ORDER BY seq RETURNING 1
            """), logger: logger)
        var count = 0
        for try await _ in moved { count += 1 }
        var binds = PostgresBindings()
        binds.append(Double(maxAge.components.seconds))
        try await execute("DELETE FROM \(pending) WHERE received_at < now() - make_interval(secs => $1)", binds)
        return count
    }

    /// Up to `limit` log lines stored after `seq`, in the order they were stored, with their `seq`.
    /// `since`/`until` bound the records' timestamps (partitions outside are not read).
    public func logLines(after seq: Int64, limit: Int, since: Date? = nil, until: Date? = nil) async throws -> [(seq: Int64, line: String)] {
        var binds = PostgresBindings()
        binds.append(seq)
        var sql = "SELECT seq, line FROM \(table) WHERE seq > $1"
        if let since {
            binds.append(since)
            sql += " AND ts >= $\(binds.count)"
        }
        if let until {
            binds.append(until)
            sql += " AND ts < $\(binds.count)"
        }
        binds.append(limit)
        sql += " ORDER BY seq LIMIT $\(binds.count)"
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        var result: [(Int64, String)] = []
        for try await (seq, line) in rows.decode((Int64, String).self) { result.append((seq, line)) }
        return result
    }

    /// The last `count` log lines (of `backend` only, when given), oldest first, with their `seq`.
    public func lastLogLines(_ count: Int, backend: String? = nil) async throws -> [(seq: Int64, line: String)] {
        var binds = PostgresBindings()
        var condition = ""
        if let backend {
            binds.append(backend)
            condition = "WHERE backend = $1"
        }
        binds.append(count)
        let rows = try await client.query(PostgresQuery(
            unsafeSQL: "SELECT seq, line FROM \(table) \(condition) ORDER BY seq DESC LIMIT $\(binds.count)", binds: binds), logger: logger)
        var result: [(Int64, String)] = []
        for try await (seq, line) in rows.decode((Int64, String).self) { result.append((seq, line)) }
        return result.reversed()
    }

    /// The highest `seq` stored (0 when the log is empty).
    public func lastSeq() async throws -> Int64 {
        let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT coalesce(max(seq), 0)::bigint FROM \(table)"), logger: logger)
        for try await seq in rows.decode(Int64.self) { return seq }
        return 0
    }

    /// Writes every log line (in stored order) to `logPath` and every feedback line to `feedbackPath`,
    /// both created 0600: the JSONL the file sink would have written, for the readers that take files.
    /// Returns the number of log lines.
    @discardableResult
    public func dump(logTo logPath: String, feedbackTo feedbackPath: String? = nil, since: Date? = nil, until: Date? = nil) async throws -> Int {
        let log = try DumpFile(path: logPath)
        var last: Int64 = 0
        var count = 0
        while true {
            let page = try await logLines(after: last, limit: 10_000, since: since, until: until)
            guard let tail = page.last else { break }
            for entry in page { try log.write(entry.line) }
            count += page.count
            last = tail.seq
        }
        try log.finish()
        if let feedbackPath {
            let feedback = try DumpFile(path: feedbackPath)
            let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT line FROM \(feedbackTable) ORDER BY seq"), logger: logger)
            for try await line in rows.decode(String.self) { try feedback.write(line) }
            try feedback.finish()
        }
        return count
    }
}

/// A 0600 file written line by line through a buffer.
final class DumpFile {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PostgresStoreError.database("cannot create '\(path)': \(String(cString: strerror(errno)))") }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    func write(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        try flush()
        try handle.close()
    }
}
