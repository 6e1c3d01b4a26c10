import Foundation
import TriageLog

/// One readable line of the routing log: the record, the extra members Triage's record type does
/// not (yet) model, and where the line came from.
public struct LogEntry: Sendable {
    /// The routing record.
    public var record: RoutingLogRecord
    /// The record's `shadow` comparison, if it has one.
    public var shadow: ShadowComparison?
    /// The file the line was read from.
    public var file: String
    /// The 1-based line number within `file`.
    public var line: Int

    /// Creates an entry.
    public init(record: RoutingLogRecord, shadow: ShadowComparison? = nil, file: String = "", line: Int = 0) {
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
