import Foundation
import Testing
import TriageFlywheel
import TriageLog

/// ``LogTimestamp/parse(_:)``: the writer's format read in place, other ISO 8601 forms through
/// Foundation, anything else nil.
@Suite("Log timestamps")
struct LogTimestampTests {
    @Test("the writer's format, with or without a fraction, and with a space for the T")
    func writerFormat() throws {
        let millis = try #require(LogTimestamp.parse("2026-11-29T10:00:00.123Z"))
        #expect(abs(millis.timeIntervalSince1970 - 1_795_946_400.123) < 0.0005)
        #expect(LogTimestamp.parse("2026-11-29T10:00:00Z")?.timeIntervalSince1970 == 1_795_946_400)
        #expect(LogTimestamp.parse("2026-11-29 10:00:00Z")?.timeIntervalSince1970 == 1_795_946_400)
        let date = Date(timeIntervalSince1970: 1_700_000_000.5)
        #expect(LogTimestamp.parse(RoutingLogRecord.timestamp(date)) == date)
    }

    @Test("an offset and a date alone go through Foundation")
    func otherForms() {
        #expect(LogTimestamp.parse("2026-11-29T12:00:00+02:00")?.timeIntervalSince1970 == 1_795_946_400)
        #expect(LogTimestamp.parse("2026-11-29")?.timeIntervalSince1970 == 1_795_910_400)
    }

    @Test("malformed text is nil, not a wrong date")
    func malformed() {
        for text in ["", "Z", "2026-11-29T10:00:00", "2026-13-29T10:00:00Z", "2026-11-29T10:00:0xZ", "2026-11-29T10:00:00.Z",
                     "2026-11-29T10:00:00.1éZ", "yesterday"] {
            #expect(LogTimestamp.parse(text) == nil, "\(text)")
        }
    }
}
