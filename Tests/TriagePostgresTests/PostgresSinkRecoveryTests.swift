import Foundation
import PostgresTestSupport
import Testing
import TriageFlywheel
import TriageLog
import TriageTestSupport
@testable import TriagePostgres

@Suite("PostgreSQL sink: dead letters, LISTEN/NOTIFY for tail, pending feedback", .serialized)
struct PostgresSinkRecoveryTests {
    /// A constraint that refuses records answered by the backend `reject-me` (SQLSTATE 23514).
    static let refusing = "ALTER TABLE routing ADD CONSTRAINT no_rejects CHECK (backend IS DISTINCT FROM 'reject-me')"

    /// A migrated store on a fresh cluster, the refusing constraint on its table, and a sink on it.
    static func withRefusingSink(
        writeTimeout: Duration, _ body: (PostgresTestCluster, PostgresStore, PostgresLogSink) async throws -> Void
    ) async throws {
        try await withClusterAndScratch { cluster, scratch in
            let store = try await cluster.migratedStore()
            _ = try cluster.psql(refusing)
            let sink = try PostgresLogSink(store: store, spoolPath: scratch.file("log.spool"), writeTimeout: writeTimeout)
            #expect(sink.deadLetterPath == scratch.file("log.dead-letter"))
            try await body(cluster, store, sink)
            await sink.shutdown()
        }
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test("a row PostgreSQL refuses goes to the dead-letter file (0600, its line as logged); the rest are stored")
    func deadLetterDirect() async throws {
        try await Self.withRefusingSink(writeTimeout: .seconds(60)) { cluster, _, sink in
            let records = (0..<6).map { Records.make($0, backend: $0 == 2 ? "reject-me" : "local") }
            for record in records.prefix(5) { sink.append(record) }
            #expect(await sink.commit(records[5]))
            #expect(try cluster.psql("SELECT count(*) FROM routing") == "5")
            #expect(Self.lines(sink.deadLetterPath) == [Records.line(records[2])])
            let mode = try FileManager.default.attributesOfItem(atPath: sink.deadLetterPath)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let status = sink.databaseStatus
            #expect(status.deadLettered == 1)
            #expect(status.state == "direct")
            #expect(status.spoolRecords == 0)
            #expect(status.lastError?.contains("23514") == true, "\(status.lastError ?? "nil")")
            #expect(await sink.commit(Records.make(10)))
            #expect(try cluster.psql("SELECT count(*) FROM routing") == "6")
        }
    }

    @Test("a refused row in the spool does not stall its replay: the others are stored, it goes to the dead-letter file")
    func deadLetterReplay() async throws {
        try await Self.withRefusingSink(writeTimeout: .milliseconds(500)) { cluster, _, sink in
            #expect(await sink.commit(Records.make(0)))
            await cluster.stopServer()
            for index in 1..<30 {
                #expect(await sink.commit(Records.make(index, backend: index == 7 ? "reject-me" : "local")))
            }
            #expect(sink.databaseStatus.state == "spooling")
            try await cluster.startServer()
            #expect(try await eventually { sink.databaseStatus.spoolRecords == 0 })
            #expect(sink.databaseStatus.state == "direct")
            #expect(try cluster.psql("SELECT count(*) FROM routing") == "29")
            #expect(try cluster.psql("SELECT count(*) FROM routing WHERE id = 'tr-test-7'") == "0")
            #expect(Self.lines(sink.deadLetterPath).count == 1)
            #expect(Self.lines(sink.deadLetterPath).first?.contains("\"tr-test-7\"") == true)
            #expect(sink.databaseStatus.deadLettered == 1)
        }
    }

    @Test("tail's follower is woken by the insert trigger's NOTIFY, long before its safety poll")
    func followerListens() async throws {
        try await withClusterAndScratch { cluster, scratch in
            let store = try await cluster.migratedStore()
            let follower = LogFollower(store: store, pollInterval: .milliseconds(100), safetyInterval: .seconds(600))
            defer { follower.stop() }
            #expect(try await eventually { follower.isListening })
            await follower.wait()  // the wake-up LISTEN gives for rows before it
            let sink = try PostgresLogSink(
                store: try PostgresStore(url: cluster.url, table: "routing"), spoolPath: scratch.file("log.spool"), writeTimeout: .seconds(60))
            let started = ContinuousClock.now
            async let written = sink.commit(Records.make(1))
            await follower.wait()
            #expect(ContinuousClock.now - started < .seconds(30), "woken by the notification, not the 600 s poll")
            #expect(await written)
            #expect(try await store.lastSeq() >= 1)
            await sink.shutdown()
            store.close()
        }
    }

    @Test("feedback for an id not stored yet waits in the pending table and moves once the record lands; stale ones expire")
    func pendingFeedback() async throws {
        try await withClusterAndScratch { cluster, scratch in
            let store = try await cluster.migratedStore()
            let early = try Feedback.validate(body: Data(#"{"request_id":"tr-test-3","score":-1,"label":"wrong"}"#.utf8))
            let never = try Feedback.validate(body: Data(#"{"request_id":"tr-test-999","score":1}"#.utf8))
            try await store.appendFeedback(early, pending: true)
            try await store.appendFeedback(never, pending: true)
            #expect(try await store.reconcilePendingFeedback() == 0)
            let sink = try PostgresLogSink(store: store, spoolPath: scratch.file("log.spool"), writeTimeout: .seconds(60))
            #expect(await sink.commit(Records.make(3)))
            #expect(try await store.reconcilePendingFeedback() == 1)
            #expect(try cluster.psql("SELECT request_id FROM routing_feedback") == "tr-test-3")
            #expect(try cluster.psql("SELECT request_id FROM routing_feedback_pending") == "tr-test-999")
            #expect(try await store.reconcilePendingFeedback(maxAge: .zero) == 0)
            #expect(try cluster.psql("SELECT count(*) FROM routing_feedback_pending") == "0")
            await sink.shutdown()
        }
    }
}
