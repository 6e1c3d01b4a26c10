import Foundation
import PostgresTestSupport
import Testing

@Suite("PostgreSQL test cluster")
struct PostgresClusterTests {
    @Test("a cluster starts on a free port, answers, restarts, and is stopped by PID and removed")
    func lifecycle() async throws {
        let cluster = try await PostgresTestCluster.start()
        #expect(try cluster.psql("SELECT 40 + 2") == "42")
        #expect(try cluster.psql("SELECT current_database()") == "triage")
        let pid = try #require(cluster.serverPID())
        await cluster.stopServer()
        #expect(kill(pid, 0) != 0)
        #expect(throws: (any Error).self) { try cluster.psql("SELECT 1") }
        try await cluster.startServer()
        #expect(try cluster.psql("SELECT 1") == "1")
        await cluster.destroy()
        #expect(!FileManager.default.fileExists(atPath: cluster.directory))
    }
}
