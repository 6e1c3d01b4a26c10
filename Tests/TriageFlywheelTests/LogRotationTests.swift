import Foundation
import TriageLog
import Testing
@testable import TriageFlywheel

@Suite struct LogRotationTests {
    @Test func namesAndIndices() {
        #expect(LogRotation.rotatedName(for: "/var/log/routing.jsonl", index: 3) == "/var/log/routing.jsonl.3")
        #expect(LogRotation.rotatedIndex(of: "routing.jsonl.12", baseName: "routing.jsonl") == 12)
        #expect(LogRotation.rotatedIndex(of: "routing.jsonl", baseName: "routing.jsonl") == nil)
        #expect(LogRotation.rotatedIndex(of: "routing.jsonl.gz", baseName: "routing.jsonl") == nil)
        #expect(LogRotation.rotatedIndex(of: "routing.jsonl.0", baseName: "routing.jsonl") == nil)
        #expect(LogRotation.rotatedIndex(of: "routing.jsonl.1.tmp", baseName: "routing.jsonl") == nil)
        #expect(LogRotation.rotatedIndex(of: "other.jsonl.1", baseName: "routing.jsonl") == nil)
    }

    @Test func listIsOldestFirst() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("routing.jsonl")
        for name in ["routing.jsonl", "routing.jsonl.1", "routing.jsonl.10", "routing.jsonl.2", "routing.jsonl.bak", "feedback.jsonl"] {
            try "".write(toFile: dir.file(name), atomically: false, encoding: .utf8)
        }
        #expect(try LogFiles.list(path: path) == [path + ".10", path + ".2", path + ".1", path])
    }

    @Test func listWithoutCurrentFileAndMissingLog() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("routing.jsonl")
        #expect(throws: FlywheelError.logNotFound(path: path)) { try LogFiles.list(path: path) }
        try "".write(toFile: path + ".1", atomically: false, encoding: .utf8)
        #expect(try LogFiles.list(path: path) == [path + ".1"])
    }

    @Test func rotateShiftsAndKeeps() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("routing.jsonl")
        try "c\n".write(toFile: path, atomically: false, encoding: .utf8)
        try "b\n".write(toFile: path + ".1", atomically: false, encoding: .utf8)
        try "a\n".write(toFile: path + ".2", atomically: false, encoding: .utf8)
        let removed = try LogRotation.rotate(path: path, keep: 2)
        #expect(removed == [path + ".2"])
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try String(contentsOfFile: path + ".1", encoding: .utf8) == "c\n")
        #expect(try String(contentsOfFile: path + ".2", encoding: .utf8) == "b\n")
        #expect(!FileManager.default.fileExists(atPath: path + ".3"))
        #expect(throws: RoutingLogError.self) { try LogRotation.rotate(path: path, keep: 0) }
    }

    @Test func policy() {
        let day = Date(timeIntervalSince1970: 1_735_689_600)
        let sized = LogRotationPolicy(maxBytes: 100)
        #expect(!sized.shouldRotate(currentSize: 99, openedAt: day, now: day))
        #expect(sized.shouldRotate(currentSize: 100, openedAt: day, now: day))
        let daily = LogRotationPolicy(daily: true)
        #expect(!daily.shouldRotate(currentSize: 10, openedAt: day, now: day.addingTimeInterval(86_399)))
        #expect(daily.shouldRotate(currentSize: 10, openedAt: day, now: day.addingTimeInterval(86_400)))
        #expect(!daily.shouldRotate(currentSize: 0, openedAt: day, now: day.addingTimeInterval(200_000)))
    }
}
