import Foundation
import Synchronization
import Testing
import TriageLog
@testable import TriageFlywheel

@Suite struct LogStreamTests {
    @Test func readsRotatedFilesInOrderOnce() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("routing.jsonl")
        // .2 is the oldest, then .1, then the current file.
        try Fixture.write(records: (0..<5).map { Fixture.record(id: "r\($0)") }, to: path + ".2")
        try Fixture.write(records: (5..<9).map { Fixture.record(id: "r\($0)") }, to: path + ".1")
        try Fixture.write(records: (9..<12).map { Fixture.record(id: "r\($0)") }, to: path)
        let stream = try LogStream(path: path)
        let ids = stream.map(\.record.id)
        #expect(ids == (0..<12).map { "r\($0)" })
        #expect(stream.skippedLines == 0)
        #expect(stream.recordsRead == 12)
    }

    @Test func skipsTornAndCorruptLinesWithWarnings() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("routing.jsonl")
        let good = try Fixture.line(Fixture.record(id: "a"))
        let other = try Fixture.line(Fixture.record(id: "b"))
        try (good + "\n{\"id\": broken\n\n" + other + "\n" + String(other.prefix(40))).write(toFile: path, atomically: false, encoding: .utf8)
        let warnings = WarningBox()
        let stream = try LogStream(path: path, onSkip: { warnings.add($0) })
        #expect(stream.map(\.record.id) == ["a", "b"])
        #expect(stream.skippedLines == 2)
        #expect(warnings.messages.count == 2)
        #expect(warnings.messages.first?.contains("routing.jsonl:2") == true)
        #expect(warnings.messages.last?.contains("incomplete last line") == true)
    }

    @Test func rotationAfterOpeningLosesNothing() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("routing.jsonl")
        try Fixture.write(records: (0..<3).map { Fixture.record(id: "r\($0)") }, to: path + ".1")
        try Fixture.write(records: (3..<6).map { Fixture.record(id: "r\($0)") }, to: path)
        let stream = try LogStream(path: path)
        try LogRotation.rotate(path: path, keep: 5)
        try Fixture.write(records: [Fixture.record(id: "new")], to: path)
        #expect(stream.map(\.record.id) == (0..<6).map { "r\($0)" })
    }

    @Test func decodesShadowLeniently() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("routing.jsonl")
        try Fixture.write([
            try Fixture.line(Fixture.record(id: "s"), shadow: ["backend": "remote", "response": "Paris", "status": 200, "latency_ms": 900, "agreement": 0.95]),
            try Fixture.line(Fixture.record(id: "bad"), shadow: ["backend": 7, "agreement": "high", "status": 200]),
            try Fixture.line(Fixture.record(id: "none")),
        ], to: path)
        let entries = Array(try LogStream(path: path))
        #expect(entries.map(\.record.id) == ["s", "bad", "none"])
        #expect(entries[0].shadow == RoutingLogRecord.Shadow(backend: "remote", status: 200, response: "Paris", latencyMs: 900, agreement: 0.95))
        #expect(entries[1].shadow == RoutingLogRecord.Shadow(status: 200))
        #expect(entries[2].shadow == nil)
    }
}

/// Collects warnings from a callback in tests.
final class WarningBox: Sendable {
    private let stored = Mutex<[String]>([])
    func add(_ message: String) { stored.withLock { $0.append(message) } }
    var messages: [String] { stored.withLock { $0 } }
}
