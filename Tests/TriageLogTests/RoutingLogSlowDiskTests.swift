import Foundation
import Glibc
import Synchronization
import Testing
import TriageTestSupport
@testable import TriageLog

/// A monotonic clock the test moves by hand.
private final class ManualClock: Sendable {
    private let nanoseconds = Mutex<UInt64>(1_000_000_000)
    var now: UInt64 { nanoseconds.withLock { $0 } }
    func advance(milliseconds: UInt64) { advance(microseconds: milliseconds * 1000) }
    func advance(microseconds: UInt64) { nanoseconds.withLock { $0 += microseconds * 1000 } }
}

/// Whether the disk blocks: each write then takes 5 ms of the manual clock (as a write held by
/// writeback throttling would).
private final class Blocking: Sendable {
    private let value = Mutex(false)
    func set(_ blocking: Bool) { value.withLock { $0 = blocking } }
    var isSet: Bool { value.withLock { $0 } }
}

private final class Messages: Sendable {
    private let list = Mutex<[String]>([])
    func add(_ message: String) { list.withLock { $0.append(message) } }
    var all: [String] { list.withLock { $0 } }
}

private func slowDiskRecord(_ id: String) -> RoutingLogRecord {
    RoutingLogRecord(
        id: id, timestamp: "2026-12-02T09:00:00.000Z", endpoint: "/v1/chat/completions", clientModel: "triage",
        backend: "local", rule: "default", reason: "slow disk", status: 200, latencyMs: 1)
}

@Suite("Routing log on a slow disk: inline writes back off to the writer thread")
struct RoutingLogSlowDiskTests {
    @Test("the guard: a write over the threshold starts a back-off that ends after it; warnings at most once per interval")
    func guardVerdicts() {
        let clock = ManualClock()
        let guarded = InlineWriteGuard(clock: { clock.now })
        #expect(guarded.threshold == .milliseconds(2) && guarded.backOff == .seconds(1))
        var start = guarded.start()
        clock.advance(milliseconds: 2)
        #expect(guarded.finished(startedAt: start) == .init(fellBack: false, warning: nil), "2 ms exactly is not slow")
        #expect(guarded.allowsInline())
        start = guarded.start()
        clock.advance(milliseconds: 3)
        let first = guarded.finished(startedAt: start)
        #expect(first.fellBack)
        #expect(first.warning?.contains("took 3 ms (over 2 ms)") == true, "\(first.warning ?? "")")
        #expect(first.warning?.contains("writer thread for 1000 ms") == true)
        #expect(first.warning?.contains("triage_log_inline_fallbacks_total") == true)
        #expect(!guarded.allowsInline())
        clock.advance(milliseconds: 999)
        #expect(!guarded.allowsInline())
        clock.advance(milliseconds: 1)
        #expect(guarded.allowsInline())
        start = guarded.start()
        clock.advance(milliseconds: 10)
        #expect(guarded.finished(startedAt: start) == .init(fellBack: true, warning: nil), "within a minute of the last warning")
        clock.advance(milliseconds: 60_000)
        start = guarded.start()
        clock.advance(milliseconds: 3)
        clock.advance(microseconds: 45)
        let later = guarded.finished(startedAt: start).warning ?? ""
        #expect(later.contains("took 3.045 ms") && later.contains("2 such back-off(s)"), "\(later)")
    }

    @Test("a slow inline write sends the next commits to the writer thread, each line written once before its commit returns; then inline resumes")
    func slowWriteFallsBack() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-slow-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/routing.jsonl"
        let clock = ManualClock()
        let blocking = Blocking()
        let disk = Disk { if blocking.isSet { clock.advance(milliseconds: 5) } }
        let warnings = Messages()
        let errors = Messages()
        let writer = try RoutingLogWriter(
            path: path, rotation: nil, maxPendingBytes: RoutingLogWriter.defaultMaxPendingBytes, fileMode: 0o600,
            writeFunction: disk.write, inlineGuard: InlineWriteGuard(clock: { clock.now }),
            onError: { errors.add($0) }, onWarning: { warnings.add($0) })
        defer { writer.close() }
        var written: [String] = []
        /// Commits `id` and returns the threads its write ran on; its line is in the file already.
        func commit(_ id: String) async throws -> (caller: pthread_t, threads: [pthread_t]) {
            let caller = pthread_self()
            #expect(await writer.commit(slowDiskRecord(id)))
            written.append(id)
            #expect(try lineIDs(path) == written, "in the file, once, when commit returns")
            return (caller, disk.takeThreads())
        }

        var result = try await commit("tr-fast")
        #expect(result.threads == [result.caller], "written inline")
        blocking.set(true)
        result = try await commit("tr-slow")
        #expect(result.threads == [result.caller], "the slow write itself was inline")
        #expect(writer.status.inlineFallbacks == 1)
        #expect(warnings.all.count == 1)
        blocking.set(false)
        var threadWrites: Set<pthread_t> = []
        for index in 1...3 {
            result = try await commit("tr-backoff-\(index)")
            #expect(result.threads.count == 1 && !result.threads.contains(result.caller), "written by the writer thread")
            threadWrites.formUnion(result.threads)
        }
        #expect(threadWrites.count == 1, "the one writer thread")
        // The writer thread answers a commit just before it goes back to sleep: a commit made in
        // between is (rightly) queued to it, so wait until it sleeps (it was flaky without this).
        try #require(try await eventually(.seconds(10), every: .milliseconds(1)) { writer.isIdle }, "the writer did not go to sleep within 10 s")
        clock.advance(milliseconds: 1_000)
        result = try await commit("tr-resumed")
        #expect(result.threads == [result.caller], "inline again after the back-off")

        // Slow again within a minute: another back-off, counted, but no second warning.
        blocking.set(true)
        _ = try await commit("tr-slow-again")
        blocking.set(false)
        result = try await commit("tr-after")
        #expect(!result.threads.contains(result.caller))
        #expect(writer.status.inlineFallbacks == 2)
        #expect(warnings.all.count == 1)
        #expect(errors.all.isEmpty)
        #expect(writer.status.written == written.count && writer.status.lost == 0)
        #expect(writer.pendingCount == 0 && writer.pendingBytes == 0)
    }
}
