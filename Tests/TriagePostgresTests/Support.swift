import Foundation
import PostgresTestSupport
import Testing
import TriageJSON
import TriageLog
@testable import TriagePostgres

/// Runs `body` against a fresh PostgreSQL cluster, destroyed afterwards whatever happens.
func withCluster(_ body: (PostgresTestCluster) async throws -> Void) async throws {
    let cluster = try await PostgresTestCluster.start()
    do {
        try await body(cluster)
    } catch {
        await cluster.destroy()
        throw error
    }
    await cluster.destroy()
}

/// Runs `body` against a fresh PostgreSQL cluster with a scratch directory, both removed afterwards.
func withClusterAndScratch(_ body: (PostgresTestCluster, Scratch) async throws -> Void) async throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    try await withCluster { try await body($0, scratch) }
}

extension PostgresTestCluster {
    /// A store on the cluster's `routing` table with its migrations applied.
    func migratedStore() async throws -> PostgresStore {
        let store = try PostgresStore(url: url, table: "routing")
        try await store.migrate()
        return store
    }
}

/// A temporary directory removed by ``remove()``.
struct Scratch {
    let path = NSTemporaryDirectory() + "triage-pg-test-\(UUID().uuidString)"
    init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    func file(_ name: String) -> String { path + "/" + name }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

enum Records {
    /// A record answered `daysAgo` days ago (plus `index` milliseconds), with a prompt and an answer.
    static func make(_ index: Int, daysAgo: Double = 0, backend: String = "local", cost: Double? = 0.001, prefix: String = "tr-test") -> RoutingLogRecord {
        let date = Date().addingTimeInterval(-daysAgo * 86_400 + Double(index) / 1000)
        var record = RoutingLogRecord(
            id: "\(prefix)-\(index)", timestamp: RoutingLogRecord.timestamp(date), endpoint: "/v1/chat/completions",
            clientModel: "auto", stream: index % 3 == 0, backend: backend, upstreamModel: backend + "-model", rule: index % 2 == 0 ? "routine" : nil,
            reason: "test", status: index % 10 == 9 ? 502 : 200, latencyMs: Double(10 + index % 90), ttftMs: index % 3 == 0 ? 5 : nil,
            usage: RoutingLogRecord.Usage(promptTokens: 10 + index % 7, completionTokens: 20 + index % 5, source: "upstream"),
            costUSD: cost,
            messages: .array([.object(["role": .string("user"), "content": .string("question \(index) with a tab\tand a NUL \u{0}")])]),
            response: "answer \(index)")
        if index % 4 == 0 {
            record.shadow = RoutingLogRecord.Shadow(backend: "remote", status: 200, response: "other", error: nil, latencyMs: 30, agreement: 0.5, costUSD: 0.01)
        }
        return record
    }

    static func line(_ record: RoutingLogRecord) -> String {
        var bytes = record.jsonLine()
        bytes.removeLast()
        return String(decoding: bytes, as: UTF8.self)
    }
}
