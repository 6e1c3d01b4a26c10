import Foundation
import Testing
import TriageFlywheel
import TriageLog
@testable import TriageServer
import TriageConfig

@Suite("The report store's compact records")
struct ReportStoreCompactTests {
    /// Records with and without usage, cost, scores, time to first token, shadow spend, fallbacks,
    /// backend, rule and replica, some with a timestamp not in the writer's format.
    private func record(_ index: Int, at date: Date) -> RoutingLogRecord {
        var timestamp = RoutingLogRecord.timestamp(date)
        if index % 9 == 0 { timestamp = String(timestamp.dropLast()) + "+00:00" }
        if index % 13 == 0 { timestamp = String(timestamp.prefix(19)) + ".123456Z" }
        var record = RoutingLogRecord(
            id: "tr-\(index)", timestamp: timestamp, endpoint: "/v1/chat/completions", stream: index % 3 == 0,
            backend: index % 17 == 0 ? nil : ["local", "remote", "a-backend-with-a-long-name"][index % 3],
            rule: index % 4 == 0 ? nil : "rule-\(index % 3)", reason: "because", status: index % 7 == 0 ? 502 : 200,
            latencyMs: index % 50 == 0 ? 0 : 0.37 * Double(index % 97) + 3, ttftMs: index % 6 == 0 ? nil : 1.5 * Double(index % 11),
            usage: index % 11 == 0 ? nil : .init(promptTokens: 10 + index, completionTokens: 5, source: "upstream"),
            costUSD: index % 5 == 0 ? nil : 0.000_137 * Double(index % 13), messages: .array([.string("prompt \(index)")]),
            response: "answer")
        if index % 2 == 1 {
            record.scores = .init(fit: index % 9 == 0 ? nil : Double(index % 100) / 99, similarity: 0.5,
                                  complexity: Double(index % 20) / 19, decidedBy: "none", micros: 5)
        }
        if index % 8 == 0 {
            record.attempts = [.init(backend: "remote", outcome: "error", status: 503, latencyMs: 3),
                               .init(backend: "local", outcome: "ok", status: 200, latencyMs: 5)]
        }
        if index % 4 == 0 { record.shadow = .init(backend: "remote", status: 200, response: "x", error: nil, latencyMs: 3, agreement: 1, costUSD: 0.002) }
        if index % 5 != 4 { record.replica = ["r1", "r2"][index % 2] }
        return record
    }

    @Test("the report from compact records is byte for byte the report streamed from the log")
    func sameJSON() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-compact-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("routing.jsonl").path
        let now = Date()
        var lines: [UInt8] = []
        for index in 0..<400 { lines += record(index, at: now.addingTimeInterval(Double(index - 400) * 200)).jsonLine() }
        try Data(lines).write(to: URL(fileURLWithPath: path))
        let store = ReportStore(logPath: path)
        store.insert(record(400, at: now))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: record(400, at: now).jsonLine())
        try handle.close()
        store.seed(recent: RecentRequests(logPath: path))
        let prices = ["remote": BackendPricing(inputPerMillion: 5, outputPerMillion: 10), "local": BackendPricing(inputPerMillion: 0.1, outputPerMillion: 0.2)]
        var options = ReportOptions(since: now.addingTimeInterval(-86_400), until: now.addingTimeInterval(60), prices: prices,
                                    remoteBackend: "remote", monthlyFixedCostUSD: 100)
        options.bucketSeconds = 600
        options.minFit = 0.3
        options.driftReference = FitDriftReference(heldOutFits: (0..<100).map { Double($0) / 100 })
        for since in [options.since, now.addingTimeInterval(-3_600)] {
            options.since = since
            let memory = try #require(store.report(options: options))
            let streamed = try ReportBuilder.build(logPath: path, options: options)
            #expect(String(decoding: try memory.json(), as: UTF8.self) == String(decoding: try streamed.json(), as: UTF8.self))
            #expect(memory.totalRequests > 10)
        }
    }

    @Test("an item gives back the facts it was made from")
    func roundTrip() {
        var names = ReportStore.Names()
        for index in 0..<60 {
            let entry = LogEntry(record: record(index, at: Date(timeIntervalSince1970: 1_764_633_599.5 + Double(index))),
                                 shadow: record(index, at: Date()).shadow)
            let facts = ReportFacts(entry)
            let date = LogTimestamp.parse(entry.record.timestamp) ?? Date()
            var expected = facts
            if facts.timestamp == RoutingLogRecord.timestamp(date) { expected.timestamp = nil }
            #expect(ReportStore.Item(facts, date: date, names: &names).facts(names: names) == expected)
        }
        #expect(MemoryLayout<ReportStore.Item>.stride <= 112)
    }
}
