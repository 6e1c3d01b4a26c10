import Foundation
import Glibc
import Testing
import TriageFlywheel
import TriageLog
@testable import TriageServer

/// The store is seeded from the log on a thread of its own while the server already records
/// requests: a record the writer thread hands to the store and then writes to the log may be read
/// by the seed too. The log here is a named pipe, so the test decides what the seed reads and when.
@Suite("Seeding the report store while requests are recorded")
struct ReportStoreSeedRaceTests {
    private func record(_ id: String, at date: Date, status: Int) -> RoutingLogRecord {
        RoutingLogRecord(id: id, timestamp: RoutingLogRecord.timestamp(date), endpoint: "/v1/chat/completions",
                         backend: "local", rule: "default", reason: "r", status: status, latencyMs: 5)
    }

    @Test("a record recorded after the seed started and written before it reached the log's end is counted once")
    func recordedDuringTheRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("routing.jsonl").path
        try #require(mkfifo(path, 0o600) == 0)
        let store = ReportStore(logPath: path), recent = RecentRequests(logPath: path)
        let seeded = DispatchSemaphore(value: 0)
        let thread = Thread {
            store.seed(recent: recent)
            seeded.signal()
        }
        thread.start()
        // Opening the pipe for writing succeeds once the seed has opened it for reading (so it has
        // started); without O_NONBLOCK a seed that never opened it would hang the test.
        var fd: Int32 = -1
        let deadline = Date().addingTimeInterval(60)
        while fd < 0 && Date() < deadline {
            fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            if fd < 0 { usleep(1_000) }
        }
        try #require(fd >= 0)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        let now = Date()
        let old = record("tr-old", at: now.addingTimeInterval(-60), status: 200)
        let live = record("tr-live", at: now, status: 401)
        var closed = false
        defer { if !closed { close(fd) } }
        func write(_ record: RoutingLogRecord) {
            let line = record.jsonLine()
            let written = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            #expect(written == line.count)
        }
        write(old)
        // What the log's writer thread does for a request recorded now: tell the store and the
        // live view, then write the line (which the seed, still reading, reads as well).
        store.insert(live)
        recent.insert(live)
        write(live)
        close(fd)
        closed = true
        #expect(seeded.wait(timeout: .now() + 60) == .success)
        let report = try #require(store.report(options: ReportOptions(since: now.addingTimeInterval(-3_600))))
        #expect(report.totalRequests == 2)
        #expect(recent.entries().map(\.record.id) == ["tr-old", "tr-live"])
    }

    @Test("the live list asked for before the seed ran waits for it, so it has the log's end too")
    func listWaitsForTheSeed() async throws {
        let recent = RecentRequests(logPath: "/nonexistent/routing.jsonl", awaitingSeed: true)
        let now = Date()
        recent.insert(record("tr-live", at: now, status: 401))
        let list = Task { () -> [String] in
            await recent.whenSeeded()  // as `/v1/triage/requests` does before it reads the entries
            return recent.entries().map(\.record.id)
        }
        try await Task.sleep(for: .milliseconds(100))  // the list is asked for first (a slower seed only widens the gap)
        recent.seed(older: [record("tr-old", at: now.addingTimeInterval(-60), status: 200)])
        #expect(await list.value == ["tr-old", "tr-live"])
        // With no seed coming (ui disabled at start-up, or the database), nothing waits.
        let alone = RecentRequests(logPath: "/nonexistent/routing.jsonl")
        await alone.whenSeeded()
    }
}
