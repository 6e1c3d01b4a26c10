import Foundation
import Glibc
import Synchronization
import Testing
@testable import TriageLog

private func record(_ id: String, response: String = "an answer") -> RoutingLogRecord {
    RoutingLogRecord(
        id: id, timestamp: "2026-12-02T06:00:00.000Z", endpoint: "/v1/chat/completions", clientModel: "triage",
        backend: "local", rule: "default", reason: "test", status: 200, latencyMs: 1, response: response
    )
}

/// `write(2)` that remembers the threads it ran on and, while `failing`, reports ENOSPC;
/// `beforeWrite` runs first in each write (a slow disk's delay, in `RoutingLogSlowDiskTests`).
final class Disk: Sendable {
    private let state = Mutex<(failing: Bool, threads: [pthread_t])>((false, []))
    private let beforeWrite: @Sendable () -> Void

    init(beforeWrite: @escaping @Sendable () -> Void = {}) {
        self.beforeWrite = beforeWrite
    }

    func fail(_ failing: Bool) { state.withLock { $0.failing = failing } }
    /// The threads written on since the last call.
    func takeThreads() -> [pthread_t] {
        state.withLock { state in
            defer { state.threads.removeAll() }
            return state.threads
        }
    }
    var threads: Set<pthread_t> { Set(state.withLock { $0.threads }) }
    func forgetThreads() { state.withLock { $0.threads.removeAll() } }

    var write: LogFile.WriteFunction {
        { [self] fd, buffer, count in
            beforeWrite()
            let thread = pthread_self()
            let failing = state.withLock { state -> Bool in
                state.threads.append(thread)
                return state.failing
            }
            guard !failing else {
                errno = ENOSPC
                return -1
            }
            return Glibc.write(fd, buffer, count)
        }
    }
}

private final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

private func temporaryLog() -> (directory: String, path: String) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-inline-\(UUID().uuidString)").path
    return (directory, directory + "/routing.jsonl")
}

/// A writer whose inline writes never count as slow: a thread preempted mid-write on a loaded
/// machine would otherwise send the next commits to the writer thread (``InlineWriteGuard``,
/// tested in `RoutingLogSlowDiskTests`).
private func makeWriter(_ path: String, disk: Disk, rotation: LogRotationPolicy? = nil) throws -> RoutingLogWriter {
    try RoutingLogWriter(
        path: path, rotation: rotation, maxPendingBytes: RoutingLogWriter.defaultMaxPendingBytes, fileMode: 0o600,
        writeFunction: disk.write, inlineGuard: InlineWriteGuard(threshold: .seconds(3600)), onError: { _ in })
}

@Suite("Routing log commit written by its caller while the writer thread is idle")
struct RoutingLogInlineCommitTests {
    @Test("a commit on an idle writer is rendered, observed and written on the caller's thread before it returns")
    func idleWriterCommitIsInline() async throws {
        let (directory, path) = temporaryLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let disk = Disk()
        let writer = try makeWriter(path, disk: disk)
        defer { writer.close() }
        let observed = Seen()
        writer.observe { observed.add($0) }
        for index in 0..<20 {
            let caller = pthread_self()
            #expect(await writer.commit(record("tr-\(index)")))
            // Written, with no close and no waiting, by the thread that called commit.
            #expect(try lineIDs(path).last == "tr-\(index)")
            #expect(observed.thread(of: "tr-\(index)") == caller, "observed on the caller's thread")
            #expect(disk.threads == [caller], "written by the caller, not by the writer thread")
            disk.forgetThreads()
        }
        #expect(observed.ids == (0..<20).map { "tr-\($0)" })
        #expect(writer.status == RoutingLogWriter.Status(written: 20))
        #expect(writer.pendingBytes == 0)
    }

    @Test("commits from many tasks at once each land exactly once, on lines of their own, in order per task")
    func concurrentCommitsLandOnce() async throws {
        let (directory, path) = temporaryLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try RoutingLogWriter(path: path)
        let observed = Seen()
        writer.observe { observed.add($0) }
        let stored = await withTaskGroup(of: Int.self) { group in
            for task in 0..<16 {
                group.addTask {
                    var stored = 0
                    for index in 0..<100 where await writer.commit(record("tr-\(task)-\(index)")) { stored += 1 }
                    return stored
                }
            }
            return await group.reduce(0, +)
        }
        #expect(stored == 1600)
        let ids = try lineIDs(path)
        #expect(ids.count == 1600)
        #expect(Set(ids).count == 1600)
        for task in 0..<16 {
            #expect(ids.filter { $0.hasPrefix("tr-\(task)-") } == (0..<100).map { "tr-\(task)-\($0)" })
        }
        #expect(observed.ids.count == 1600 && Set(observed.ids).count == 1600, "each record observed once")
        // (Not `inlineFallbacks`: a write preempted on a loaded machine may start a back-off.)
        #expect(writer.status.written == 1600 && writer.status.lost == 0 && !writer.status.failing)
        writer.close()
        #expect(try lineIDs(path).count == 1600)
    }

    @Test("a failing write on the caller's thread returns false and counts the record lost")
    func inlineWriteFailure() async throws {
        let (directory, path) = temporaryLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let disk = Disk()
        let writer = try makeWriter(path, disk: disk)
        defer { writer.close() }
        #expect(await writer.commit(record("tr-before")))
        disk.fail(true)
        disk.forgetThreads()
        let caller = pthread_self()
        #expect(await writer.commit(record("tr-lost")) == false)
        #expect(disk.threads == [caller], "the failed write was the caller's")
        #expect(writer.status.lost == 1)
        #expect(writer.status.failing)
        #expect(writer.status.lastError?.contains("No space left on device") == true)
        disk.fail(false)
        #expect(await writer.commit(record("tr-after")))
        #expect(writer.status.failing == false)
        #expect(try lineIDs(path) == ["tr-before", "tr-after"])
        #expect(writer.status.written == 2)
    }

    @Test("a batch due for rotation is handed to the writer thread, which rotates it")
    func rotationIsNotInline() async throws {
        let (directory, path) = temporaryLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let disk = Disk()
        // Each record is bigger than the limit: every batch crosses it and is rotated after.
        let writer = try makeWriter(path, disk: disk, rotation: LogRotationPolicy(maxBytes: 200, keep: 10))
        defer { writer.close() }
        var callers: Set<pthread_t> = []
        for index in 1...3 {
            callers.insert(pthread_self())
            #expect(await writer.commit(record("tr-\(index)", response: String(repeating: "x", count: 300))))
        }
        #expect(disk.threads.count == 1)
        #expect(disk.threads.isDisjoint(with: callers), "written by the writer thread")
        #expect(LogRotation.rotatedIndices(path: path).sorted() == [1, 2, 3])
        #expect(try lineIDs(path + ".3") == ["tr-1"])
        #expect(try lineIDs(path + ".1") == ["tr-3"])
        #expect(try lineIDs(path).isEmpty)
        #expect(writer.status == RoutingLogWriter.Status(written: 3))

        // A file whose size is already past the limit is rotated before the next line, by the thread too.
        let big = try RoutingLogWriter(path: directory + "/big.jsonl")
        #expect(await big.commit(record("tr-big", response: String(repeating: "y", count: 600))))
        big.close()
        disk.forgetThreads()
        let reopened = try makeWriter(directory + "/big.jsonl", disk: disk, rotation: LogRotationPolicy(maxBytes: 500, keep: 10))
        defer { reopened.close() }
        let caller = pthread_self()
        #expect(await reopened.commit(record("tr-small", response: "z")))
        #expect(disk.threads.count == 1 && !disk.threads.contains(caller))
        #expect(try lineIDs(directory + "/big.jsonl.1") == ["tr-big"])
        #expect(try lineIDs(directory + "/big.jsonl") == ["tr-small"])
    }

    @Test("close while commits run loses nothing: every commit that returned true is in the file, the others counted lost")
    func closeDuringCommits() async throws {
        let (directory, path) = temporaryLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try RoutingLogWriter(path: path)
        let closed = Flag()
        let results = await withTaskGroup(of: [String: Bool].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var results: [String: Bool] = [:]
                    for index in 0..<300 {
                        let id = "tr-\(task)-\(index)"
                        results[id] = await writer.commit(record(id))
                        if closed.isSet && index % 10 == 0 { break }
                    }
                    return results
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(20))
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    Thread {
                        writer.close()
                        closed.set()
                        done.resume()
                    }.start()
                }
                return [:]
            }
            return await group.reduce(into: [String: Bool]()) { $0.merge($1) { first, _ in first } }
        }
        #expect(closed.isSet)
        let ids = try lineIDs(path)
        #expect(Set(ids).count == ids.count, "no line twice")
        #expect(Set(ids) == Set(results.filter(\.value).keys), "exactly the commits that returned true")
        #expect(writer.status.written == ids.count)
        #expect(writer.status.written + writer.status.lost == results.count)
        #expect(writer.pendingCount == 0 && writer.pendingBytes == 0)
    }
}
