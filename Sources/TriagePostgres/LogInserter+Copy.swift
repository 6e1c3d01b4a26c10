import Foundation
import PostgresNIO
import TriageLog

/// The other way to write a batch: `COPY ... FROM STDIN` into a temporary staging table, then
/// `INSERT ... SELECT ... ON CONFLICT DO NOTHING` (COPY itself cannot skip stored ids), in one
/// transaction. Kept to measure it against the multi-row `INSERT` the sink uses
/// (``LogInserter/insert(_:)``); see docs/deploy.md for the numbers.
extension LogInserter {
    @discardableResult
    func insertByCopy(_ rows: ArraySlice<LogRow>) async throws -> Int {
        try await ensurePartitions(Set(rows.map(\.day)))
        let table = store.table
        let columns = LogSchema.columns.joined(separator: ",")
        var buffer = ByteBuffer()
        buffer.reserveCapacity(rows.reduce(0) { $0 + $1.line.utf8.count * 2 + 256 })
        for row in rows { row.writeCopyText(to: &buffer) }
        let data = buffer
        return try await store.client.withTransaction(logger: store.logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: """
                CREATE TEMP TABLE IF NOT EXISTS triage_stage ON COMMIT DELETE ROWS AS SELECT \(columns) FROM \(table) WITH NO DATA
                """), logger: store.logger)
            try await connection.copyFrom(table: "triage_stage", columns: LogSchema.columns, logger: store.logger) { writer in
                try await writer.write(data)
            }
            let result = try await connection.query(PostgresQuery(unsafeSQL: """
                INSERT INTO \(table) (\(columns)) SELECT \(columns) FROM triage_stage ON CONFLICT DO NOTHING RETURNING 1
                """), logger: store.logger)
            var count = 0
            for try await _ in result { count += 1 }
            return count
        }
    }
}

extension LogRow {
    /// The row as one line of COPY's text format: tab-separated, `\N` for NULL, with backslash,
    /// tab, newline and carriage return escaped.
    func writeCopyText(to buffer: inout ByteBuffer) {
        var first = true
        func field(_ text: String?) {
            if !first { buffer.writeInteger(UInt8(ascii: "\t")) }
            first = false
            guard let text else {
                buffer.writeStaticString("\\N")
                return
            }
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                case 0: break
                default: buffer.writeInteger(byte)
                }
            }
        }
        func number<T: Numeric>(_ value: T?) -> String? { value.map { "\($0)" } }
        field(record.id)
        field(timestamp)
        field(record.endpoint)
        field(record.clientModel)
        field(record.backend)
        field(record.rule)
        field(String(record.status))
        field(record.status >= 400 || record.error != nil ? "t" : "f")
        field(record.stream ? "t" : "f")
        field(number(record.latencyMs))
        field(number(record.ttftMs))
        field(number(record.usage?.promptTokens))
        field(number(record.usage?.completionTokens))
        field(number(record.costUSD))
        field(record.shadow?.backend)
        field(number(record.shadow?.costUSD))
        field(line)
        field(number(record.scores?.fit))
        field(number(record.scores?.complexity))
        field((record.attempts?.count ?? 0) > 1 ? "t" : "f")
        field(record.replica)
        buffer.writeInteger(UInt8(ascii: "\n"))
    }
}
