import Foundation
import PostgresNIO
import TriageFlywheel
import TriageJSON
import TriageLog

/// `triage migrate-log`: copies a JSONL routing log (rotated files included, oldest first) and
/// the `feedback.jsonl` beside it into the database. Idempotent: records already there (same
/// id and time) are skipped, and so are feedback lines already stored.
public struct LogMigration: Sendable {
    public struct Summary: Sendable, Equatable, CustomStringConvertible {
        public var files = 0
        public var records = 0
        public var inserted = 0
        public var alreadyPresent = 0
        public var skippedLines = 0
        public var feedbackInserted = 0
        public var feedbackAlreadyPresent = 0

        public var description: String {
            "migrated \(records) record(s) from \(files) file(s): \(inserted) inserted, \(alreadyPresent) already in the database, "
                + "\(skippedLines) unreadable line(s) skipped; feedback: \(feedbackInserted) inserted, \(feedbackAlreadyPresent) already there"
        }
    }

    public let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    public func run(logPath: String, batchSize: Int = 2_000, onSkip: (String) -> Void = { _ in }) async throws -> Summary {
        try await store.migrate()
        let inserter = LogInserter(store: store)
        var summary = Summary()
        for file in try LogFiles.list(path: logPath) {
            summary.files += 1
            let reader = try LineReader(path: file)
            var rows: [LogRow] = []
            var lineNumber = 0
            func flush() async throws {
                guard !rows.isEmpty else { return }
                let inserted = try await inserter.insert(rows[...])
                summary.inserted += inserted
                summary.alreadyPresent += rows.count - inserted
                rows.removeAll(keepingCapacity: true)
            }
            reading: while true {
                switch try reader.next() {
                case .line(let bytes):
                    lineNumber += 1
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                    guard let value = try? JSONParser.parse(bytes), let record = try? RoutingLogRecord(json: value),
                          let row = LogRow(record: record, line: String(decoding: bytes, as: UTF8.self)) else {
                        summary.skippedLines += 1
                        onSkip("\(file):\(lineNumber): skipped a line that is not a complete routing record")
                        continue
                    }
                    summary.records += 1
                    rows.append(row)
                    if rows.count >= batchSize { try await flush() }
                case .oversized, .unterminated:
                    lineNumber += 1
                    summary.skippedLines += 1
                    onSkip("\(file):\(lineNumber): skipped an incomplete or oversized line")
                case .end:
                    break reading
                }
            }
            try await flush()
        }
        let feedbackPath = FeedbackStore.path(besideLog: logPath)
        if FileManager.default.fileExists(atPath: feedbackPath) {
            let reader = try LineReader(path: feedbackPath)
            while case .line(let bytes) = try reader.next() {
                guard let feedback = try? JSONCoding.decode(Feedback.self, from: bytes) else { continue }
                if try await store.appendFeedbackOnce(feedback) {
                    summary.feedbackInserted += 1
                } else {
                    summary.feedbackAlreadyPresent += 1
                }
            }
        }
        return summary
    }
}

extension PostgresStore {
    /// Stores a feedback line unless the same line for the same request is already there.
    func appendFeedbackOnce(_ feedback: Feedback) async throws -> Bool {
        var line = try feedback.jsonLine()
        line.removeLast()
        var binds = PostgresBindings()
        binds.append(LogRow.clean(feedback.requestID))
        binds.append(String(decoding: line, as: UTF8.self))
        let rows = try await client.query(PostgresQuery(unsafeSQL: """
            INSERT INTO \(feedbackTable) (request_id, line) SELECT $1, $2
            WHERE NOT EXISTS (SELECT 1 FROM \(feedbackTable) WHERE request_id = $1 AND line = $2) RETURNING 1
            """, binds: binds), logger: logger)
        for try await _ in rows { return true }
        return false
    }
}
