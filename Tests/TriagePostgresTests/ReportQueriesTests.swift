import Foundation
import PostgresTestSupport
import Testing
import TriageFlywheel
import TriageLog
import TriageConfig
@testable import TriagePostgres

@Suite("report aggregates computed by PostgreSQL", .serialized)
struct ReportQueriesTests {
    /// Records with everything the report reads: costs that are not round numbers, records without
    /// a cost (priced from usage), without usage, rejected (no backend), without a rule, streams
    /// with and without a time to first token, zero and sub-millisecond latencies, fits on three
    /// days, shadow spend, fallbacks and replicas.
    static func records() -> [RoutingLogRecord] {
        (0..<600).map { index in
            let backends = ["local", "remote", "mini", "local"]
            var record = Records.make(index, daysAgo: Double(index % 3), backend: backends[index % 4],
                                      cost: index % 5 == 0 ? nil : 0.000_137 * Double(index % 13) + 1e-9 * Double(index))
            record.latencyMs = index % 50 == 0 ? 0 : 0.37 * Double(index % 97) + Double(index % 7) * 131.1
            if index % 11 == 0 { record.usage = nil }
            if index % 17 == 0 { record.backend = nil; record.rule = nil; record.status = 400 }
            if index % 6 == 0 { record.ttftMs = nil }
            if index % 2 == 1 {
                record.scores = RoutingLogRecord.Scores(fit: index % 9 == 0 ? nil : Double(index % 1000) / 999.0 * 1.05 - 0.02,
                                                        similarity: 0.5, complexity: 0.25, decidedBy: "none", micros: 12)
            }
            if index % 5 != 4 { record.replica = ["a", "b", "c"][index % 7 % 3] }
            if index % 8 == 0 {
                record.attempts = [RoutingLogRecord.Attempt(backend: "remote", outcome: "error", status: 503, latencyMs: 3),
                                   RoutingLogRecord.Attempt(backend: "local", outcome: "ok", status: 200, latencyMs: 5)]
            }
            return record
        }
    }

    @Test("the SQL report's JSON equals the JSONL report's, with and without a range, with and without savings")
    func sameJSONAsTheFile() async throws {
        try await withClusterAndScratch { cluster, scratch in
            let records = Self.records()
            let logPath = scratch.file("routing.jsonl")
            try records.map { Records.line($0) + "\n" }.joined().write(toFile: logPath, atomically: true, encoding: .utf8)
            let store = try PostgresStore(url: cluster.url, table: "routing")
            #expect(try await LogMigration(store: store).run(logPath: logPath).inserted == records.count)
            let prices = ["remote": BackendPricing(inputPerMillion: 3, outputPerMillion: 15), "mini": BackendPricing(inputPerMillion: 0.15, outputPerMillion: 0.6)]
            var plain = ReportOptions()
            plain.minFit = 0.4
            var priced = ReportOptions(since: Date().addingTimeInterval(-1.5 * 86_400), prices: prices, remoteBackend: "remote", monthlyFixedCostUSD: 250)
            priced.minFit = 0.4
            let bounded = ReportOptions(since: Date().addingTimeInterval(-3 * 86_400), until: Date().addingTimeInterval(-0.5 * 86_400),
                                        prices: prices, remoteBackend: "mini")
            for options in [plain, priced, bounded] {
                let fromDatabase: Report
                do { fromDatabase = try await store.report(options: options) } catch {
                    Issue.record("\(String(reflecting: error))")
                    throw error
                }
                let fromFile = try ReportBuilder.build(logPath: logPath, options: options)
                #expect(String(decoding: try fromDatabase.json(), as: UTF8.self) == String(decoding: try fromFile.json(), as: UTF8.self))
                #expect(fromDatabase.totalRequests > 100)
                #expect(fromDatabase.backends.contains { $0.name == "(rejected)" })
                #expect(fromDatabase.classifier?.driftByDay.isEmpty == false)
            }
            // With a timeline (the dashboard, --html): GROUP BYs on time buckets, the same JSON again,
            // with and without savings and a drift reference, buckets aligned to days or not.
            try await Self.expectSameTimelines(store: store, logPath: logPath, priced: priced, plain: plain)
            // Rows stored before schema version 3 get their columns from their JSON line.
            try await store.execute("UPDATE routing SET fit = NULL, complexity = NULL, fallback = false, replica = NULL")
            try await store.execute(LogSchema.scoreColumns(table: "routing")[1])
            try await Self.expectSameTimelines(store: store, logPath: logPath, priced: priced, plain: plain)
            store.close()
        }
    }

    static func expectSameTimelines(store: PostgresStore, logPath: String, priced: ReportOptions, plain: ReportOptions) async throws {
        var options: [ReportOptions] = []
        for (base, seconds) in [(priced, 3_600), (plain, 700), (priced, 1)] {
            var timeline = base
            timeline.bucketSeconds = seconds
            options.append(timeline)
        }
        options[1].driftReference = FitDriftReference(heldOutFits: (0..<200).map { Double($0 % 100) / 100 })
        options[1].maxComplexity = 0.6
        for timeline in options {
            let fromDatabase = try await store.report(options: timeline)
            let fromFile = try ReportBuilder.build(logPath: logPath, options: timeline)
            #expect(String(decoding: try fromDatabase.json(), as: UTF8.self) == String(decoding: try fromFile.json(), as: UTF8.self))
            let section = try #require(fromDatabase.classifier?.timeline)
            #expect(section.buckets.contains { $0.fallbacks > 0 })
            #expect(section.fitHistogram.reduce(0, +) > 100 && section.complexityHistogram.reduce(0, +) > 100)
            #expect(section.replicas?.count == 3)
            #expect(section.buckets.contains { $0.drift?.requests ?? 0 > 0 })
        }
    }
}
