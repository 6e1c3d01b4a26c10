import Foundation
import PostgresTestSupport
import Testing
import TriageUpstream

/// The dashboard of a replica with `log.sink: postgres` shows every replica's requests.
@Suite("Dashboard over replicas sharing PostgreSQL (real processes and a real database)", .serialized)
struct MultiReplicaDashboardIntegrationTests {
    @Test("one replica's /v1/triage/report and /v1/triage/requests count both replicas' requests, each with its replica")
    func dashboardShowsAllReplicas() async throws {
        let database = try await PostgresTestCluster.start()
        let local = try await FakeUpstream.start(name: "local")
        let client = UpstreamClient()
        var replicas: [TriageInstance] = []
        defer { client.shutdown() }
        do {
            let yaml = MultiReplicaIntegrationTests.routes(local: local.baseURL, remote: local.baseURL)
            for name in ["replica-a", "replica-b"] {
                replicas.append(try await TriageInstance.start(
                    yaml: yaml, environment: ["TRIAGE_TEST_DATABASE_URL": database.url, "TRIAGE_REPLICA": name]))
            }
            var servedByB: [String] = []
            for index in 0..<5 {
                let replica = index < 3 ? 0 : 1
                let answer = try await ProxyClient(client: client, base: replicas[replica].url).post(json: chatJSON("dashboard prompt \(index)"))
                #expect(answer.status == 200, "body: \(answer.body)")
                if replica == 1 { servedByB.append(try #require(answer.headers.header("x-triage-request-id"))) }
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while try database.psql("SELECT count(*) FROM shared_log") != "5", ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try database.psql("SELECT count(*) FROM shared_log") == "5")
            let a = ProxyClient(client: client, base: replicas[0].url)

            let report = try #require(jsonObject(try await a.get("/v1/triage/report?since=1h").body))
            #expect(report["total_requests"] as? Int == 5)
            let timeline = (report["classifier"] as? [String: Any])?["timeline"] as? [String: Any]
            let perReplica = try #require(timeline?["replicas"] as? [String: [String: Any]])
            #expect(perReplica["replica-a"]?["requests"] as? Int == 3)
            #expect(perReplica["replica-b"]?["requests"] as? Int == 2)

            let list = try #require(jsonObject(try await a.get("/v1/triage/requests?limit=50").body)?["requests"] as? [[String: Any]])
            #expect(list.count == 5)
            #expect(Set(list.compactMap { $0["replica"] as? String }) == ["replica-a", "replica-b"])
            #expect(Set(list.compactMap { $0["id"] as? String }).isSuperset(of: servedByB))
            let filtered = try #require(jsonObject(try await a.get("/v1/triage/requests?status=error").body)?["requests"] as? [Any])
            #expect(filtered.isEmpty)

            let detail = try await a.get("/v1/triage/requests/\(servedByB[0])")
            #expect(detail.status == 200)
            let record = (jsonObject(detail.body)?["record"] as? [String: Any])
            #expect(record?["replica"] as? String == "replica-b")
            #expect(record?["messages"] != nil, "the prompt comes from the database")
            #expect(try await a.get("/v1/triage/requests/tr-nobody-served-this").status == 404)
        } catch {
            Issue.record(error)
        }
        for replica in replicas { await replica.stopAndRemove() }
        await local.stop()
        await database.destroy()
    }
}
