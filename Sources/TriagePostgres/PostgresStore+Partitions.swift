import Foundation
import PostgresNIO

/// The log table's day partitions: listing and dropping (retention).
extension PostgresStore {
    /// The day numbers (days since 1970-01-01, UTC) of the log's partitions, by partition name.
    public func partitions() async throws -> [(name: String, day: Int)] {
        var binds = PostgresBindings()
        binds.append(table)
        let rows = try await client.query(PostgresQuery(unsafeSQL: """
            SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = $1 ORDER BY 1
            """, binds: binds), logger: logger)
        var result: [(String, Int)] = []
        let prefix = table + "_p"
        for try await name in rows.decode(String.self) where name.hasPrefix(prefix) {
            let digits = Array(name.dropFirst(prefix.count).utf8)
            guard digits.count == 8, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { continue }
            let text = String(decoding: digits, as: UTF8.self)
            let iso = "\(text.prefix(4))-\(text.dropFirst(4).prefix(2))-\(text.suffix(2))T00:00:00Z"
            guard let date = ISO8601DateFormatter().date(from: iso) else { continue }
            result.append((name, Int((date.timeIntervalSince1970 / 86_400).rounded(.down))))
        }
        return result
    }

    /// Drops the partitions of days before `day`; returns their names.
    public func dropPartitions(before day: Int) async throws -> [String] {
        var dropped: [String] = []
        for partition in try await partitions() where partition.day < day {
            // The name was read from the catalogue and checked to be <table>_pDDDDDDDD.
            try await execute("DROP TABLE IF EXISTS \(partition.name)")
            dropped.append(partition.name)
        }
        return dropped
    }
}
