import Foundation
import Testing
import TriageLog
@testable import TriageFlywheel

@Suite struct TimeBoundTests {
    let now = Date(timeIntervalSince1970: 1_735_689_600)

    @Test func relativeAndAbsolute() throws {
        #expect(try TimeBound.parse("7d", now: now) == now.addingTimeInterval(-7 * 86_400))
        #expect(try TimeBound.parse("24h", now: now) == now.addingTimeInterval(-86_400))
        #expect(try TimeBound.parse("30m", now: now) == now.addingTimeInterval(-1_800))
        #expect(try TimeBound.parse("2w", now: now) == now.addingTimeInterval(-14 * 86_400))
        #expect(try TimeBound.parse("2025-01-01T00:00:00Z") == now)
        #expect(try TimeBound.parse("2025-01-01T00:00:00.500Z") == now.addingTimeInterval(0.5))
        #expect(try TimeBound.parse("2025-01-01T02:00:00+02:00") == now)
        #expect(try TimeBound.parse("2025-01-01") == now)
        for bad in ["yesterday", "7x", "-3d", "", "2025-13-01T00:00:00Z"] {
            #expect(throws: FlywheelError.invalidTime(bad)) { try TimeBound.parse(bad, now: now) }
        }
    }

    @Test func logTimestampsRoundTrip() {
        let date = Date(timeIntervalSince1970: 1_700_000_000.123)
        let parsed = LogTimestamp.parse(RoutingLogRecord.timestamp(date))
        #expect(abs((parsed?.timeIntervalSince1970 ?? 0) - 1_700_000_000.123) < 0.001)
    }
}
