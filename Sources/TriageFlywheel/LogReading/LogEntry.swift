import Foundation
import TriageLog

/// One readable line of the routing log: the record, its shadow comparison (kept apart so a
/// reader may drop the record's bulk and keep it), and where the line came from.
public struct LogEntry: Sendable {
    /// The routing record.
    public var record: RoutingLogRecord
    /// The record's `shadow` comparison, if it has one.
    public var shadow: RoutingLogRecord.Shadow?
    /// The file the line was read from.
    public var file: String
    /// The 1-based line number within `file`.
    public var line: Int

    /// Creates an entry.
    public init(record: RoutingLogRecord, shadow: RoutingLogRecord.Shadow? = nil, file: String = "", line: Int = 0) {
        self.record = record
        self.shadow = shadow
        self.file = file
        self.line = line
    }
}

extension LogEntry {
    /// The record's timestamp as a date (nil when it is not ISO 8601).
    public var date: Date? { LogTimestamp.parse(record.timestamp) }
}
