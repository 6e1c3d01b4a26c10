import Foundation
import PostgresTestSupport
import Testing
import TriageFlywheel
import TriageLog
@testable import TriagePostgres
import TriageConfig

@Suite("PostgreSQL readers, budgets and migrate-log", .serialized)
struct PostgresReadersTests {
    @Test("the shared budget admits exactly the cap across concurrent reservations")
    func sharedBudget() async throws {
        try await withCluster { cluster in
            let store = try await cluster.migratedStore()
            let budget = PostgresBudget(store: store)
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<40 {
                    group.addTask { try await budget.reserve("shadow", backend: "remote", amount: 0.25, cap: 5) }
                }
                var count = 0
                for try await ok in group where ok { count += 1 }
                return count
            }
            #expect(admitted == 20)
            #expect(try await budget.spent("shadow", backend: "remote") == 5)
            #expect(try await !budget.reserve("shadow", backend: "remote", amount: 0, cap: 5))
            try await budget.adjust("shadow", backend: "remote", delta: -1)
            #expect(try await budget.reserve("shadow", backend: "remote", amount: 0.5, cap: 5))
            #expect(try await budget.spent("shadow", backend: "remote") == 4.5)
            #expect(try await budget.spent("shadow", backend: "other") == 0)
            store.close()
        }
    }

    @Test("report from the database equals the report from the same records in JSONL")
    func reportMatchesFile() async throws {
        try await withClusterAndScratch { cluster, scratch in
            let records = (0..<300).map { Records.make($0, daysAgo: $0 % 7 == 0 ? 2 : 0, backend: $0 % 3 == 0 ? "remote" : "local", cost: $0 % 5 == 0 ? nil : 0.002) }
            let logPath = scratch.file("routing.jsonl")
            try records.map { Records.line($0) + "\n" }.joined().write(toFile: logPath, atomically: true, encoding: .utf8)
            let store = try PostgresStore(url: cluster.url, table: "routing")
            let summary = try await LogMigration(store: store).run(logPath: logPath)
            #expect(summary.inserted == 300)
            let options = ReportOptions(
                since: Date().addingTimeInterval(-86_400), prices: ["remote": BackendPricing(inputPerMillion: 3, outputPerMillion: 15), "local": BackendPricing(inputPerMillion: 0, outputPerMillion: 0)],
                remoteBackend: "remote", monthlyFixedCostUSD: 100)
            let fromDatabase = try await store.report(options: options)
            let fromFile = try ReportBuilder.build(logPath: logPath, options: options)
            #expect(fromDatabase == fromFile)
            #expect(fromDatabase.totalRequests == 300 - 43)
            #expect(fromDatabase.outOfRange == 43)
            store.close()
        }
    }

    @Test("migrate-log copies rotated files and feedback once; a second run inserts nothing; dump gives the lines back")
    func migrateLog() async throws {
        try await withClusterAndScratch { cluster, scratch in
            let logPath = scratch.file("routing.jsonl")
            let all = (0..<30).map { Records.make($0) }
            try all[0..<10].map { Records.line($0) + "\n" }.joined().write(toFile: logPath + ".2", atomically: true, encoding: .utf8)
            try all[10..<20].map { Records.line($0) + "\n" }.joined().write(toFile: logPath + ".1", atomically: true, encoding: .utf8)
            try (all[20..<30].map { Records.line($0) + "\n" }.joined() + "not json\n").write(toFile: logPath, atomically: true, encoding: .utf8)
            let feedback = FeedbackStore.path(besideLog: logPath)
            try (String(decoding: try Feedback(timestamp: "2026-01-01T00:00:00.000Z", requestID: "tr-test-3", score: -1).jsonLine(), as: UTF8.self))
                .write(toFile: feedback, atomically: true, encoding: .utf8)
            let store = try PostgresStore(url: cluster.url, table: "routing")
            let first = try await LogMigration(store: store).run(logPath: logPath)
            #expect(first.files == 3)
            #expect(first.inserted == 30)
            #expect(first.skippedLines == 1)
            #expect(first.feedbackInserted == 1)
            let second = try await LogMigration(store: store).run(logPath: logPath)
            #expect(second.inserted == 0)
            #expect(second.alreadyPresent == 30)
            #expect(second.feedbackAlreadyPresent == 1)
            let dumped = scratch.file("dump/routing.jsonl")
            try FileManager.default.createDirectory(atPath: scratch.file("dump"), withIntermediateDirectories: true)
            let count = try await store.dump(logTo: dumped, feedbackTo: scratch.file("dump/feedback.jsonl"))
            #expect(count == 30)
            let text = try String(contentsOfFile: dumped, encoding: .utf8)
            #expect(text == all.map { Records.line($0) + "\n" }.joined())
            #expect(try FeedbackStore.load(path: scratch.file("dump/feedback.jsonl")).negativeIDs == ["tr-test-3"])
            let tail = try await store.lastLogLines(2)
            #expect(tail.map(\.line) == all.suffix(2).map { Records.line($0) })
            store.close()
        }
    }
}
