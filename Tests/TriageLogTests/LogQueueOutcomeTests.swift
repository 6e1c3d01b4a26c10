import Foundation
import Glibc
import Synchronization
import Testing
@testable import TriageLog

/// An outcome that counts its renderings and the threads they ran on.
private struct CountingOutcome: RoutingLogOutcome {
    final class Renders: Sendable {
        private let list = Mutex<[pthread_t]>([])
        func add() {
            let thread = pthread_self()
            list.withLock { $0.append(thread) }
        }
        var count: Int { list.withLock { $0.count } }
        var threads: Set<pthread_t> { Set(list.withLock { $0 }) }
    }

    let id: String
    let renders: Renders
    var estimatedSize: Int { 700 }

    func rendered() -> RoutingLogRecord {
        renders.add()
        return RoutingLogRecord(
            id: id, timestamp: "2026-12-02T03:00:00.000Z", endpoint: "/v1/chat/completions",
            backend: "local", reason: "rendered", status: 200, latencyMs: 2)
    }
}

@Suite("Routing log outcomes: rendered once, on the sink's consumer thread")
struct LogQueueOutcomeTests {
    @Test("the queue counts an outcome's estimate once; a requeued batch is not rendered again; a refused one is rendered at once")
    func queueRendersOnce() {
        let queue = LogQueue(maxPendingBytes: 1 << 20, onError: { _ in }, wake: {})
        let renders = CountingOutcome.Renders()
        let seen = Mutex<[String]>([])
        queue.observe { record in seen.withLock { $0.append(record.id) } }
        queue.append(CountingOutcome(id: "a", renders: renders))
        queue.append(CountingOutcome(id: "b", renders: renders))
        #expect(queue.pendingBytes == 1400)
        #expect(renders.count == 0, "nothing rendered at enqueue")
        let first = queue.take(limit: 1)
        #expect(first.bytes == 700 && renders.count == 1)
        queue.requeue(first.batch, bytes: first.bytes)
        let all = queue.take()
        #expect(all.batch.map(\.record.id) == ["a", "b"] && all.batch.map(\.record.reason) == ["rendered", "rendered"])
        #expect(renders.count == 2 && seen.withLock { $0 } == ["a", "b"])
        queue.finish(all.batch, bytes: all.bytes, outcomes: [true])
        #expect(queue.pendingBytes == 0)
        _ = queue.close()
        queue.append(CountingOutcome(id: "late", renders: renders))
        #expect(renders.count == 3 && seen.withLock { $0 }.last == "late")
    }

    @Test("the writer renders each outcome once on its own thread, before the commit returns; the line is the rendered record")
    func writerRendersOnItsThread() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-outcome-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/routing.jsonl"
        let writer = try RoutingLogWriter(path: path)
        let renders = CountingOutcome.Renders()
        let observed = Mutex<[String]>([])
        writer.observe { record in observed.withLock { $0.append(record.reason) } }
        let caller = pthread_self()
        #expect(await writer.commit(CountingOutcome(id: "out-1", renders: renders)))
        #expect(renders.count == 1, "rendered before the commit returned")
        #expect(renders.threads == [caller], "an idle writer's commit is rendered and written by its caller")
        #expect(observed.withLock { $0 } == ["rendered"], "the observer sees the rendered record")
        let appendedBy = pthread_self()
        let renders2 = CountingOutcome.Renders()
        for index in 2...100 { writer.append(CountingOutcome(id: "out-\(index)", renders: renders2)) }
        writer.close()
        #expect(renders.count == 1 && renders2.count == 99)
        #expect(renders2.threads.count == 1 && !renders2.threads.contains(appendedBy), "appends rendered on the writer's one thread")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 100)
        let expected = CountingOutcome(id: "out-1", renders: CountingOutcome.Renders()).rendered()
        #expect(Array(lines[0].utf8) + [UInt8(ascii: "\n")] == expected.jsonLine())
    }
}
