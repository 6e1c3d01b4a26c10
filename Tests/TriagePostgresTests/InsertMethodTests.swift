import Foundation
import PostgresTestSupport
import Testing
@testable import TriagePostgres

@Suite("Batch insert methods", .serialized)
struct InsertMethodTests {
    @Test("COPY through a staging table and multi-row INSERT store the same rows, skip stored ids; rates printed")
    func copyAndInsertAgree() async throws {
        try await withCluster { cluster in
            let store = try await cluster.migratedStore()
            let inserter = LogInserter(store: store)
            let count = 8_000
            let rows = (0..<count).compactMap { LogRow(record: Records.make($0)) }
            var rates: [String: Double] = [:]
            var started = ContinuousClock.now
            for chunk in stride(from: 0, to: count, by: 2_000) {
                #expect(try await inserter.insert(rows[chunk..<min(count, chunk + 2_000)]) == 2_000)
            }
            rates["insert"] = Double(count) / (ContinuousClock.now - started).seconds
            let copyRows = (0..<count).compactMap { LogRow(record: Records.make($0, prefix: "tr-copy")) }
            started = ContinuousClock.now
            for chunk in stride(from: 0, to: count, by: 2_000) {
                #expect(try await inserter.insertByCopy(copyRows[chunk..<min(count, chunk + 2_000)]) == 2_000)
            }
            rates["copy"] = Double(count) / (ContinuousClock.now - started).seconds
            print("insert methods, rows/s (debug build, fsync off): \(rates)")
            // Both again: nothing new.
            #expect(try await inserter.insertByCopy(rows[0..<100]) == 0)
            #expect(try await inserter.insert(copyRows[0..<100]) == 0)
            #expect(try cluster.psql("SELECT count(*) FROM routing") == "\(2 * count)")
            // The same columns either way.
            let viaInsert = try cluster.psql("SELECT endpoint, client_model, backend, rule, status, failed, stream, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cost_usd, shadow_backend, shadow_cost_usd FROM routing WHERE id = 'tr-test-12'")
            let viaCopy = try cluster.psql("SELECT endpoint, client_model, backend, rule, status, failed, stream, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cost_usd, shadow_backend, shadow_cost_usd FROM routing WHERE id = 'tr-copy-12'")
            #expect(viaInsert == viaCopy)
            #expect(try cluster.psql("SELECT line FROM routing WHERE id = 'tr-copy-12'") == copyRows[12].line)
            store.close()
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
