import Foundation
import TriageJSON
import TriageLog

extension LogEntry {
    /// The entry of one routing log line (a record and its shadow comparison), read as ``LogStream``
    /// reads lines; nil when the line is not a complete record.
    public static func parse(line bytes: [UInt8]) -> LogEntry? {
        parse(line: bytes[...])
    }

    /// The same for a line still in its reader's buffer.
    public static func parse(line bytes: ArraySlice<UInt8>) -> LogEntry? {
        guard let record = try? JSONCoding.decode(RoutingLogRecord.self, from: bytes) else { return nil }
        return LogEntry(record: record, shadow: record.shadow)
    }
}

extension Feedback {
    /// The feedback of one line of the feedback log; nil when the line is not valid feedback.
    public static func parse(line bytes: [UInt8]) -> Feedback? {
        try? JSONCoding.decode(Feedback.self, from: bytes)
    }
}
