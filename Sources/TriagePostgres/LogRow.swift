import Foundation
import PostgresNIO
import Synchronization
import TriageFlywheel
import TriageLog

/// One routing log record as a row of the log table: the columns `report` aggregates, and the
/// record's JSON line exactly as the JSONL file would hold it (what `export` and `tail` print).
struct LogRow: Sendable {
    let record: RoutingLogRecord
    /// The JSON line without its newline.
    let line: String
    let ts: Date
    /// `ts` in the writer's format (milliseconds, UTC), bound as text and cast by the server, so
    /// a record stores the same key whichever way it is written (no rounding of a binary time).
    let timestamp: String
    /// Days since 1970-01-01 (UTC) of `ts`: the partition.
    let day: Int

    /// - Returns: `nil` when the record's timestamp is not ISO 8601 (it could not be placed in a partition).
    init?(record: RoutingLogRecord, line: String? = nil) {
        guard let ts = LogTimestamp.parse(record.timestamp) else { return nil }
        self.record = record
        let timestamp = RoutingLogRecord.timestamp(ts)
        self.ts = ts
        self.timestamp = timestamp
        // The day of the stored (millisecond) time, which picks the partition.
        self.day = LogRotationPolicy.utcDay(LogTimestamp.parse(timestamp) ?? ts)
        if let line {
            self.line = line
        } else {
            var bytes = record.jsonLine()
            bytes.removeLast()
            self.line = String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Appends the row's values in the order of ``LogSchema/columns``. Text bound for the database
    /// loses NUL characters, which PostgreSQL's `text` cannot hold (the JSON line escapes them).
    func bind(to binds: inout PostgresBindings) {
        binds.append(Self.clean(record.id))
        binds.append(timestamp)
        binds.append(Self.clean(record.endpoint))
        binds.append(record.clientModel.map(Self.clean))
        binds.append(record.backend.map(Self.clean))
        binds.append(record.rule.map(Self.clean))
        binds.append(record.status)
        binds.append(record.status >= 400 || record.error != nil)
        binds.append(record.stream)
        binds.append(record.latencyMs)
        binds.append(record.ttftMs)
        binds.append(record.usage?.promptTokens)
        binds.append(record.usage?.completionTokens)
        binds.append(record.costUSD)
        binds.append(record.shadow.map { Self.clean($0.backend) })
        binds.append(record.shadow?.costUSD)
        binds.append(line)
        binds.append(record.scores?.fit)
        binds.append(record.scores?.complexity)
        binds.append((record.attempts?.count ?? 0) > 1)
        binds.append(record.replica.map(Self.clean))
    }

    static func clean(_ text: String) -> String {
        text.utf8.contains(0) ? String(text.unicodeScalars.filter { $0 != "\0" }.map(Character.init)) : text
    }

    /// `YYYY-MM-DD` of a day number.
    static func dayString(_ day: Int) -> String {
        String(RoutingLogRecord.timestamp(Date(timeIntervalSince1970: Double(day) * 86_400)).prefix(10))
    }
}
