import Foundation
import Glibc
import Synchronization
import Testing
@testable import TriageLog

private func temporaryDirectory() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("triage-log-failure-\(UUID().uuidString)").path
}

private func record(_ id: String, response: String = "an answer") -> RoutingLogRecord {
    RoutingLogRecord(
        id: id, timestamp: "2026-12-01T10:00:00.000Z", endpoint: "/v1/chat/completions", clientModel: "triage",
        backend: "local", rule: "default", reason: "test", status: 200, latencyMs: 1,
        messages: .array([.object(["role": .string("user"), "content": .string("prompt of \(id)")])]),
        response: response
    )
}

/// The ids of the file's lines, failing the test on any line that is not one whole JSON object.
func lineIDs(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.isEmpty || text.hasSuffix("\n"), "the file ends at a line boundary", sourceLocation: sourceLocation)
    return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
        let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(object != nil, "torn or merged line: \(line.prefix(120))", sourceLocation: sourceLocation)
        return object?["id"] as? String ?? "?"
    }
}

private func mode(of path: String) -> mode_t {
    var info = stat()
    guard stat(path, &info) == 0 else { return 0 }
    return info.st_mode & 0o777
}

/// `write(2)`, or, while `failing` is set, a disk that takes `acceptBytes` more bytes and then
/// reports ENOSPC: the short write a full disk gives.
private final class FlakyDisk: Sendable {
    private let state = Mutex<(failing: Bool, acceptBytes: Int)>((false, 0))

    func fail(afterBytes bytes: Int) { state.withLock { $0 = (true, bytes) } }
    func heal() { state.withLock { $0 = (false, 0) } }

    var write: LogFile.WriteFunction {
        { [self] fd, buffer, count in
            let allowed = state.withLock { state -> Int? in
                guard state.failing else { return nil }
                let take = min(count, state.acceptBytes)
                state.acceptBytes -= take
                return take
            }
            guard let allowed else { return Glibc.write(fd, buffer, count) }
            guard allowed > 0 else {
                errno = ENOSPC
                return -1
            }
            return Glibc.write(fd, buffer, allowed)
        }
    }
}

private final class Messages: Sendable {
    private let list = Mutex<[String]>([])
    func add(_ message: String) { list.withLock { $0.append(message) } }
    var all: [String] { list.withLock { $0 } }
}

@Suite("Routing log write failures, deleted files, durability and permissions")
struct RoutingLogFailureTests {
    @Test("commit returns once the line is in the file")
    func commitWaitsForTheWrite() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/routing.jsonl"
        let writer = try RoutingLogWriter(path: path)
        defer { writer.close() }
        for index in 0..<50 {
            #expect(await writer.commit(record("tr-\(index)")))
            // No waiting, no close: the line is already there.
            #expect(try lineIDs(path).last == "tr-\(index)")
        }
        #expect(writer.status.written == 50 && writer.status.lost == 0 && !writer.status.failing)
    }

    @Test("a full disk mid-write: the records are counted as lost, the torn bytes removed, and the next record lands on its own line")
    func shortWriteThenRecovery() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/routing.jsonl"
        let disk = FlakyDisk()
        let messages = Messages()
        let writer = try RoutingLogWriter(
            path: path, rotation: nil, maxPendingBytes: 1 << 20, fileMode: 0o600, writeFunction: disk.write,
            onError: { messages.add($0) })
        defer { writer.close() }
        #expect(await writer.commit(record("tr-before")))
        disk.fail(afterBytes: 57)  // part of the next line reaches the file, then ENOSPC
        #expect(await writer.commit(record("tr-lost-1")) == false)
        #expect(await writer.commit(record("tr-lost-2")) == false)
        #expect(writer.status.lost == 2)
        #expect(writer.status.failing)
        #expect(writer.status.lastError?.contains("No space left on device") == true)
        #expect(try lineIDs(path) == ["tr-before"])
        disk.heal()
        #expect(await writer.commit(record("tr-after")))
        #expect(writer.status.failing == false)
        #expect(try lineIDs(path) == ["tr-before", "tr-after"])
        #expect(writer.status.written == 2)
        // Reported when it started and when it stopped failing, not once per record.
        #expect(messages.all.count == 2)
        #expect(messages.all.first?.contains("No space left on device") == true)
        #expect(messages.all.last?.contains("written again; 2 record(s) lost") == true)
    }

    @Test("a replacement file that ends in a partial line (a crashed writer's) is ended before the next record")
    func tornLineFromAnotherWriterIsEnded() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/routing.jsonl"
        let writer = try RoutingLogWriter(path: path)
        defer { writer.close() }
        #expect(await writer.commit(record("tr-1")))
        // The file is replaced by one ending in a partial line (a crashed process's): the writer
        // opens it again and ends the partial line before appending.
        try FileManager.default.removeItem(atPath: path)
        try Data("{\"id\":\"tr-torn\",\"ts\":".utf8).write(to: URL(fileURLWithPath: path))
        #expect(await writer.commit(record("tr-2")))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first == "{\"id\":\"tr-torn\",\"ts\":")
        let second = try? JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8)) as? [String: Any]
        #expect(second?["id"] as? String == "tr-2")
    }

    @Test("a deleted log directory is recreated and the next records land in a new file")
    func deletedDirectory() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/logs/routing.jsonl"
        let messages = Messages()
        let writer = try RoutingLogWriter(path: path) { messages.add($0) }
        defer { writer.close() }
        #expect(await writer.commit(record("tr-1")))
        try FileManager.default.removeItem(atPath: directory)
        #expect(await writer.commit(record("tr-2")))
        #expect(await writer.commit(record("tr-3")))
        #expect(try lineIDs(path) == ["tr-2", "tr-3"])
        #expect(mode(of: path) == 0o600)
        #expect(writer.status.reopened == 1)
        #expect(writer.status.lost == 0)
        #expect(writer.status.lastError == nil, "reopening is not an error")
        #expect(messages.all.contains { $0.contains("deleted or replaced") })
    }

    @Test("a log renamed away and replaced is followed to the new file")
    func replacedFile() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/routing.jsonl"
        let writer = try RoutingLogWriter(path: path)
        defer { writer.close() }
        #expect(await writer.commit(record("tr-old")))
        try FileManager.default.moveItem(atPath: path, toPath: path + ".moved")
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        #expect(await writer.commit(record("tr-new")))
        #expect(try lineIDs(path) == ["tr-new"])
        #expect(try lineIDs(path + ".moved") == ["tr-old"])
    }

    @Test("a log whose directory cannot be recreated counts every record as lost, and recovers when it can")
    func unreopenableLog() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/logs/routing.jsonl"
        let writer = try RoutingLogWriter(path: path)
        defer { writer.close() }
        try FileManager.default.removeItem(atPath: directory)
        // A file where the directory should be: the path cannot be opened.
        _ = FileManager.default.createFile(atPath: directory, contents: Data("x".utf8))
        #expect(await writer.commit(record("tr-lost")) == false)
        #expect(writer.status.lost == 1)
        #expect(writer.status.lastError?.contains("cannot reopen") == true)
        try FileManager.default.removeItem(atPath: directory)
        #expect(await writer.commit(record("tr-back")))
        #expect(try lineIDs(path) == ["tr-back"])
    }

    @Test("the log is created 0600, an existing 0644 log is tightened, and rotated files keep the mode")
    func fileModes() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/routing.jsonl"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let old = umask(0)
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644])
        umask(old)
        #expect(mode(of: path) == 0o644)
        let writer = try RoutingLogWriter(path: path, rotation: LogRotationPolicy(maxBytes: 600, keep: 3))
        #expect(mode(of: path) == 0o600)
        for index in 0..<6 { #expect(await writer.commit(record("tr-\(index)", response: String(repeating: "x", count: 300)))) }
        writer.close()
        #expect(FileManager.default.fileExists(atPath: path + ".1"))
        #expect(mode(of: path + ".1") == 0o600)
        #expect(mode(of: path) == 0o600)

        let custom = directory + "/group.jsonl"
        let groupReadable = try RoutingLogWriter(path: custom, fileMode: 0o640)
        groupReadable.close()
        #expect(mode(of: custom) == 0o640)
    }
}
