import Foundation
import Testing
import TriageFlywheel
import TriageLog
@testable import TriageServer
import TriageConfig

@Suite("The dashboard's in-memory report store")
struct ReportStoreTests {
    private func record(_ index: Int, at date: Date, backend: String) -> RoutingLogRecord {
        var record = RoutingLogRecord(
            id: "tr-\(index)", timestamp: RoutingLogRecord.timestamp(date), endpoint: "/v1/chat/completions",
            backend: backend, rule: index % 2 == 0 ? "default" : "other", reason: "because", status: index % 7 == 0 ? 502 : 200,
            latencyMs: Double(10 + index % 50), usage: .init(promptTokens: 10 + index, completionTokens: 5, source: "upstream"),
            costUSD: backend == "remote" ? 0.001 : 0, messages: .array([.object(["role": .string("user"), "content": .string("prompt \(index)")])]),
            response: "answer")
        record.scores = .init(fit: Double(index % 10) / 10, similarity: 0.5, complexity: 0.3, decidedBy: "none", micros: 5)
        return record
    }

    @Test("a window's report from memory equals the report streamed from the log; the live view gets the log's end")
    func sameAsLog() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("routing.jsonl").path
        let now = Date()
        var lines: [UInt8] = []
        for index in 0..<300 {
            lines += record(index, at: now.addingTimeInterval(Double(index - 300) * 20), backend: index % 3 == 0 ? "remote" : "local").jsonLine()
        }
        try Data(lines).write(to: URL(fileURLWithPath: path))
        let store = ReportStore(logPath: path), recent = RecentRequests(logPath: path)
        let live = record(300, at: now, backend: "local")
        store.insert(live)  // recorded while the log is being read: counted once
        recent.insert(live)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: live.jsonLine())
        try handle.close()
        store.seed(recent: recent)
        var options = ReportOptions(since: now.addingTimeInterval(-3_600), until: now.addingTimeInterval(60),
                                    prices: ["remote": BackendPricing(inputPerMillion: 5, outputPerMillion: 10)], remoteBackend: "remote")
        options.bucketSeconds = 300
        options.minFit = 0.05
        let memory = try #require(store.report(options: options))
        let streamed = try ReportBuilder.build(logPath: path, options: options)
        // About 180 logged in the hour (one on its edge may fall either side of it) and the live one.
        #expect(memory.totalRequests == streamed.totalRequests && (180...182).contains(memory.totalRequests), "\(memory.totalRequests)")
        #expect(memory.backends == streamed.backends)
        #expect(memory.rules == streamed.rules)
        #expect(memory.savings == streamed.savings)
        #expect(memory.classifier == streamed.classifier)
        let entries = recent.entries()
        #expect(entries.count == 301 && entries.last?.record.id == "tr-300" && entries.first?.record.id == "tr-0")
        #expect(recent.find(id: "tr-5")?.response == "answer")
    }

    @Test("not seeded yet, or a window before what is held: nil (the caller streams the log)")
    func notCovered() {
        let store = ReportStore(logPath: "/nonexistent/routing.jsonl")
        #expect(store.report(options: ReportOptions(since: Date().addingTimeInterval(-60))) == nil)
        store.seed(recent: RecentRequests(logPath: "/nonexistent/routing.jsonl"))
        #expect(store.report(options: ReportOptions(since: Date().addingTimeInterval(-60)))?.totalRequests == 0)
    }
}
