import Foundation
import PostgresTestSupport
import Testing
import TriageLog
import TriageTestSupport
@testable import TriagePostgres

@Suite("PostgreSQL routing log sink", .serialized)
struct PostgresLogSinkTests {
    @Test("migrations are versioned and idempotent; records land once, their line exactly as the JSONL file's")
    func storesRecords() async throws {
        try await withClusterAndScratch { cluster, scratch in
            let store = try await cluster.migratedStore()
            try await store.migrate()
            #expect(try await store.appliedVersions() == [1, 2, 3])
            // A generous timeout: on a loaded machine a slow insert would (rightly) go to the spool.
            let sink = try PostgresLogSink(store: store, spoolPath: scratch.file("log.spool"), writeTimeout: .seconds(60))
            let records = (0..<50).map { Records.make($0) }
            let results = await withTaskGroup(of: Bool.self) { group in
                for record in records { group.addTask { await sink.commit(record) } }
                var all: [Bool] = []
                for await result in group { all.append(result) }
                return all
            }
            #expect(results.allSatisfy { $0 })
            #expect(try cluster.psql("SELECT count(*) FROM routing") == "50")
            let stored = try cluster.psql("SELECT line FROM routing WHERE id = 'tr-test-7'")
            #expect(stored == Records.line(records[7]))
            #expect(try await store.containsRequest("tr-test-49"))
            #expect(try await !store.containsRequest("tr-test-50"))
            // A replay of stored records (another replica's spool, migrate-log) adds nothing.
            for record in records.prefix(10) { sink.append(record) }
            #expect(await sink.commit(records[0]))
            #expect(try cluster.psql("SELECT count(*) FROM routing") == "50")
            #expect(sink.databaseStatus.duplicates == 11)
            #expect(sink.status.written == 61)
            await sink.shutdown()
        }
    }

    @Test("with the database down records go to the spool, and are replayed in order exactly once when it returns")
    func spoolsAndReplays() async throws {
        try await withClusterAndScratch { cluster, scratch in
            let store = try PostgresStore(url: cluster.url, table: "routing")
            let sink = try PostgresLogSink(store: store, spoolPath: scratch.file("log.spool"), writeTimeout: .milliseconds(500))
            #expect(await sink.commit(Records.make(0)))
            await cluster.stopServer()
            var committed: [Bool] = []
            for index in 1..<200 {
                committed.append(await sink.commit(Records.make(index)))
            }
            #expect(committed.allSatisfy { $0 })
            let spooled = sink.databaseStatus
            #expect(spooled.state == "spooling")
            #expect(spooled.spoolRecords >= 199, "the 199 records after the stop (and the first, if its insert was slow)")
            #expect(spooled.spoolBytes > 0)
            #expect(sink.status.failing)
            try await cluster.startServer()
            #expect(try await eventually { sink.databaseStatus.spoolRecords == 0 })
            #expect(sink.databaseStatus.state == "direct")
            #expect(try cluster.psql("SELECT count(*), count(DISTINCT id) FROM routing") == "200|200")
            // In order: seq follows the records' order.
            let ids = try cluster.psql("SELECT id FROM routing ORDER BY seq").split(separator: "\n").map(String.init)
            #expect(ids == (0..<200).map { "tr-test-\($0)" })
            #expect((try? FileManager.default.attributesOfItem(atPath: scratch.file("log.spool"))[.size] as? Int) == 0)
            await sink.shutdown()
        }
    }

    @Test("a spool left by a stopped replica is replayed by the next start, without duplicates")
    func replaysLeftoverSpool() async throws {
        try await withClusterAndScratch { cluster, scratch in
            await cluster.stopServer()
            let first = try PostgresLogSink(
                store: try PostgresStore(url: cluster.url, table: "routing"), spoolPath: scratch.file("log.spool"), writeTimeout: .milliseconds(300))
            for index in 0..<20 { #expect(await first.commit(Records.make(index))) }
            await first.shutdown()
            let mode = try FileManager.default.attributesOfItem(atPath: scratch.file("log.spool"))[.posixPermissions] as? Int
            #expect(mode == 0o600)
            try await cluster.startServer()
            let second = try PostgresLogSink(store: try PostgresStore(url: cluster.url, table: "routing"), spoolPath: scratch.file("log.spool"))
            #expect(second.databaseStatus.spoolRecords == 20)
            #expect(await second.commit(Records.make(20)))
            #expect(try await eventually { second.databaseStatus.spoolRecords == 0 })
            #expect(try cluster.psql("SELECT count(*), count(DISTINCT id) FROM routing") == "21|21")
            await second.shutdown()
        }
    }

    @Test("retention drops whole day partitions older than retention_days")
    func retention() async throws {
        try await withClusterAndScratch { cluster, scratch in
            let store = try PostgresStore(url: cluster.url, table: "routing")
            let sink = try PostgresLogSink(store: store, spoolPath: scratch.file("log.spool"), writeTimeout: .seconds(60))
            for days in [0.0, 1, 5, 10] {
                #expect(await sink.commit(Records.make(Int(days), daysAgo: days, prefix: "tr-day")))
            }
            #expect(try await store.partitions().count >= 4)
            await sink.dropExpiredPartitions(keepDays: 3)
            #expect(try cluster.psql("SELECT count(*) FROM routing") == "2")
            #expect(try await store.containsRequest("tr-day-1"))
            #expect(try await !store.containsRequest("tr-day-5"))
            // A record for a dropped day gets its partition back.
            #expect(await sink.commit(Records.make(99, daysAgo: 10, prefix: "tr-day")))
            #expect(try cluster.psql("SELECT count(*) FROM routing") == "3")
            await sink.shutdown()
        }
    }
}
