import Foundation
import Glibc
import Synchronization
import Testing
@testable import TriageLog

private func record(_ id: String) -> RoutingLogRecord {
    RoutingLogRecord(
        id: id, timestamp: "2026-12-02T01:00:00.000Z", endpoint: "/v1/chat/completions",
        backend: "local", rule: "default", reason: "test", status: 200, latencyMs: 1
    )
}

/// What an observer saw: each record's id and the thread (pthread id) it was told on.
final class Seen: Sendable {
    private let list = Mutex<[(id: String, thread: pthread_t)]>([])
    func add(_ record: RoutingLogRecord) {
        let thread = pthread_self()
        list.withLock { $0.append((record.id, thread)) }
    }
    var ids: [String] { list.withLock { $0.map(\.id) } }
    var threads: Set<pthread_t> { Set(list.withLock { $0.map(\.thread) }) }
    /// The thread `id` was told on.
    func thread(of id: String) -> pthread_t? { list.withLock { $0.first { $0.id == id }?.thread } }
    /// The threads of the records after the first `count`.
    func threads(droppingFirst count: Int) -> Set<pthread_t> { Set(list.withLock { $0.dropFirst(count).map(\.thread) }) }
}

@Suite("Routing log observer: each finished record counted once, off the request path")
struct LogQueueObserverTests {
    @Test("the writer shows every record once, before its commit returns; a refused one at once")
    func writerObservesEachRecordOnce() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-observer-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try RoutingLogWriter(path: directory + "/routing.jsonl")
        let seen = Seen()
        writer.observe { seen.add($0) }
        let caller = pthread_self()
        #expect(await writer.commit(record("tr-1")))
        #expect(seen.ids == ["tr-1"], "counted before the commit returned")
        #expect(seen.threads == [caller], "an idle writer's commit is written, and observed, by its caller")
        for index in 2...200 { writer.append(record("tr-\(index)")) }
        writer.close()
        #expect(seen.ids == (1...200).map { "tr-\($0)" })
        #expect(seen.threads(droppingFirst: 1).count == 1, "appends all told on the writer's one thread")
        #expect(!seen.threads(droppingFirst: 1).contains(caller), "not on the thread that appended")
        writer.append(record("tr-late"))
        #expect(seen.ids.last == "tr-late", "a record refused after close is still shown (once)")
        #expect(seen.ids.count == 201)
        #expect(writer.status.lost == 1)
    }

    @Test("a batch put back by its consumer is not shown again when taken the second time")
    func requeuedBatchIsNotObservedTwice() {
        let queue = LogQueue(maxPendingBytes: 1 << 20, onError: { _ in }, wake: {})
        let seen = Seen()
        queue.observe { seen.add($0) }
        queue.append(record("a"))
        queue.append(record("b"))
        let first = queue.take(limit: 1)
        #expect(seen.ids == ["a"])
        queue.requeue(first.batch, bytes: first.bytes)
        queue.append(record("c"))
        let all = queue.take()
        #expect(all.batch.map(\.record.id) == ["a", "b", "c"])
        #expect(seen.ids == ["a", "b", "c"])
        queue.finish(all.batch, bytes: all.bytes, outcomes: [true])
        #expect(queue.status.written == 3)
    }

    @Test("the observer is called through the same depth of frames at the thousandth take as at the first")
    func observerIsNotRewrappedAtEachTake() {
        let queue = LogQueue(maxPendingBytes: 1 << 20, onError: { _ in }, wake: {})
        let depths = Mutex<[Int]>([])
        queue.observe { _ in
            let depth = Thread.callStackReturnAddresses.count
            depths.withLock { $0.append(depth) }
        }
        for index in 0..<1000 {
            queue.append(record("tr-\(index)"))
            let taken = queue.take()
            queue.finish(taken.batch, bytes: taken.bytes, outcomes: [true])
        }
        let seen = depths.withLock { $0 }
        #expect(seen.count == 1000)
        #expect(seen.first == seen.last, "a closure re-wrapped at each access nests deeper: \(seen.first ?? 0) -> \(seen.last ?? 0) frames")
    }
}
