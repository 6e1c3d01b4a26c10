import Foundation
import PostgresTestSupport
import Synchronization
import Testing
import TriageTestSupport
import TriageUpstream

/// Three `triage serve` processes sharing one PostgreSQL (a throwaway cluster of the test's own).
@Suite("Replicas sharing PostgreSQL (real processes and a real database on 127.0.0.1)", .serialized)
struct MultiReplicaIntegrationTests {
    /// `writeTimeoutMs`: how long an insert may take before its batch is spooled (short for the
    /// outage test; long where a loaded machine must not divert records to the spool).
    static func routes(local: String, remote: String, shadowCap: Double? = nil, writeTimeoutMs: Int = 10_000) -> String {
        RoutesFixture.yaml(
            backends: localAndPricedRemote(local: local, remote: remote),
            rules: "  - {name: to-remote, match: {header: {name: X-Triage-Backend, value: remote}}, route: remote}\n" + RoutesFixture.everything(to: "local"),
            extra: """
            listen: {host: 127.0.0.1, port: 0}
            log: {path: "{LOG}", sink: postgres, url_env: TRIAGE_TEST_DATABASE_URL, table: shared_log, write_timeout_ms: \(writeTimeoutMs)}
            \(shadowCap.map { "shadow: {rate: 1.0, backend: remote, daily_cap_usd: \($0)}" } ?? "")
            """
        )
    }

    private func run(_ arguments: [String], database: PostgresTestCluster) async throws -> ChildProcess {
        let child = try ChildProcess(executable: Repo.triageBinary, arguments: arguments, environment: ["TRIAGE_TEST_DATABASE_URL": database.url])
        await child.waitForExit()
        return child
    }

    @Test("feedback to another replica, report/export/tail over all replicas, one shared shadow cap")
    func sharedLogFeedbackAndBudget() async throws {
        let database = try await PostgresTestCluster.start()
        let local = try await FakeUpstream.start(name: "local")
        // The shadow backend takes 3 s: shadowed records stay held back that long after their answer.
        let remote = try await FakeUpstream.start(name: "remote", arguments: ["--delay", "3"])
        let client = UpstreamClient()
        var replicas: [TriageInstance] = []
        defer { client.shutdown() }
        do {
            // Prompts of four words: 6 prompt + 6 answer tokens at $1000/M, $0.012 a shadow copy; a
            // $0.03 cap allows two a day, for all replicas together (each alone would allow two).
            let yaml = Self.routes(local: local.baseURL, remote: remote.baseURL, shadowCap: 0.03)
            for _ in 0..<3 {
                replicas.append(try await TriageInstance.start(yaml: yaml, environment: ["TRIAGE_TEST_DATABASE_URL": database.url]))
            }
            var served: [(replica: Int, id: String)] = []
            let prompts = [
                "explain tidal energy storage", "summarise medieval trade routes", "describe volcanic soil chemistry",
                "compare sorting algorithm speed", "translate polite greetings politely", "list jazz piano legends",
                "outline orbital transfer maneuvers", "review sourdough fermentation timing", "define quantum error correction",
                "sketch coral reef ecology", "estimate marathon pacing splits", "classify desert succulent species",
            ]
            for (index, prompt) in prompts.enumerated() {
                let replica = index % 3
                let proxy = ProxyClient(client: client, base: replicas[replica].url)
                let answer = try await proxy.post(json: chatJSON(prompt))
                #expect(answer.status == 200, "body: \(answer.body)")
                served.append((replica, try #require(answer.headers.header("x-triage-request-id"))))
                guard index == 0 else { continue }
                let other = ProxyClient(client: client, base: replicas[1].url)
                // Feedback for a request served by replica 0, sent to replica 1 (which never saw it).
                // The first requests are shadowed (rate 1.0), and a shadowed record is written when its copy
                // ends, after the answer: until then replica 1 cannot find it, and keeps the feedback
                // pending (202), moved into place once the record lands.
                let feedback = try await other.post("/v1/feedback", json: #"{"request_id":"\#(served[0].id)","score":-1,"label":"wrong"}"#)
                #expect(feedback.status == 202, "body: \(feedback.body)")
                #expect(jsonObject(feedback.body)?["status"] as? String == "pending")
                // On the replica holding it back for its shadow copy, feedback is taken at once (200).
                let holder = ProxyClient(client: client, base: replicas[0].url)
                let held = try await holder.post("/v1/feedback", json: #"{"request_id":"\#(served[0].id)","score":-1,"label":"wrong"}"#)
                #expect(held.status == 200, "body: \(held.body)")
            }
            let other = ProxyClient(client: client, base: replicas[1].url)
            let unknown = try await other.post("/v1/feedback", json: #"{"request_id":"tr-nobody-served-this","score":1}"#)
            #expect(unknown.status == 404)
            let status = try await other.get("/v1/triage/status")
            let log = try #require(jsonObject(status.body)?["routing_log"] as? [String: Any])
            #expect(log["sink"] as? String == "postgres")
            #expect((log["database"] as? [String: Any])?["state"] as? String == "direct")
            let metrics = try await other.get("/metrics")
            #expect(Self.metric(metrics.body, "triage_routing_log_spool_records") == 0)
            #expect(Self.metric(metrics.body, "triage_routing_log_database_up") == 1)
            // Shadow copies land in the background: wait for the records to settle, then stop.
            #expect(try await waitFor { try database.psql("SELECT count(*) FROM shared_log") == "12" })
            #expect(try await waitFor { try database.psql("SELECT count(*) FROM shared_log_feedback") == "2" })
            #expect(try database.psql("SELECT count(*) FROM shared_log_feedback_pending") == "0")
            try await Task.sleep(for: .seconds(2))
            for replica in replicas { #expect(await replica.stop() == 0) }

            #expect(try database.psql("SELECT count(*) FROM shared_log WHERE shadow_backend = 'remote'") == "2")
            #expect(try await remote.receivedRequests(client: client).count == 2)
            let ids = Set(try database.psql("SELECT id FROM shared_log").split(separator: "\n").map(String.init))
            #expect(ids == Set(served.map(\.id)))

            let config = replicas[0].configPath
            let report = try await run(["report", "--config", config, "--json"], database: database)
            #expect(report.process.terminationStatus == 0, "stderr: \(report.stderr.text)")
            #expect(jsonObject(report.stdout.text)?["total_requests"] as? Int == 12)
            let out = replicas[0].directory.appendingPathComponent("export.jsonl").path
            let export = try await run(["export", "--config", config, "--out", out, "--no-split"], database: database)
            #expect(export.process.terminationStatus == 0, "stderr: \(export.stderr.text)")
            let exported = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
            #expect(exported.count == 11, "every replica's answers but the one with negative feedback")
            let tail = try await run(["tail", "--config", config, "--json", "-n", "100"], database: database)
            let tailed = tail.stdout.text.split(separator: "\n").compactMap { jsonObject(String($0))?["id"] as? String }
            #expect(Set(tailed) == ids)
            #expect(tailed.count == 12)
        } catch {
            Issue.record(error)
        }
        for replica in replicas { await replica.stopAndRemove() }
        await local.stop()
        await remote.stop()
        await database.destroy()
    }

    @Test("kill -9 of a replica under load and a database restart: every 200 has exactly one row")
    func crashAndOutage() async throws {
        let database = try await PostgresTestCluster.start()
        let local = try await FakeUpstream.start(name: "local")
        let client = UpstreamClient()
        var replicas: [TriageInstance] = []
        var restarted: TriageInstance?
        defer { client.shutdown() }
        do {
            let yaml = Self.routes(local: local.baseURL, remote: local.baseURL, writeTimeoutMs: 500)
            for _ in 0..<3 {
                replicas.append(try await TriageInstance.start(yaml: yaml, environment: ["TRIAGE_TEST_DATABASE_URL": database.url]))
            }
            let shared = LoadState()
            let urls = replicas.map(\.url)
            let load = Task {
                await withTaskGroup(of: Void.self) { group in
                    for worker in 0..<6 {
                        group.addTask {
                            let proxy = ProxyClient(client: client, base: urls[worker % 3])
                            for index in 0..<5_000 where !shared.stop.withLock({ $0 }) {
                                guard let answer = try? await proxy.post(json: chatJSON("load \(worker) \(index)")) else {
                                    try? await Task.sleep(for: .milliseconds(20))
                                    continue
                                }
                                if answer.status == 200, let id = answer.headers.header("x-triage-request-id") {
                                    shared.ok.withLock { $0.append(id) }
                                }
                            }
                        }
                    }
                }
            }
            try await Task.sleep(for: .seconds(1))
            _ = await replicas[2].stop(signal: SIGKILL)
            try await Task.sleep(for: .milliseconds(500))
            await database.stopServer()
            try await Task.sleep(for: .seconds(2))
            let during = shared.ok.withLock { $0.count }
            try await database.startServer()
            try await Task.sleep(for: .seconds(1))
            shared.stop.withLock { $0 = true }
            await load.value
            let answered = shared.ok.withLock { $0 }
            #expect(answered.count > during, "requests were answered after the database came back")
            // The killed replica's spool is replayed by its successor on the same directory.
            restarted = try await replicas[2].restart(environment: ["TRIAGE_TEST_DATABASE_URL": database.url])
            for replica in [replicas[0], replicas[1], try #require(restarted)] {
                let proxy = ProxyClient(client: client, base: replica.url)
                #expect(try await waitFor {
                    let body = try await proxy.get("/v1/triage/status").body
                    let log = jsonObject(body)?["routing_log"] as? [String: Any]
                    return (log?["database"] as? [String: Any])?["spool_records"] as? Int == 0
                })
            }
            let stored = try database.psql("SELECT count(*), count(DISTINCT id) FROM shared_log").split(separator: "|")
            #expect(stored.first == stored.last, "no record stored twice")
            let ids = Set(try database.psql("SELECT id FROM shared_log").split(separator: "\n").map(String.init))
            let missing = Set(answered).subtracting(ids)
            #expect(missing.isEmpty, "\(missing.count) of \(answered.count) answered requests have no row")
        } catch {
            Issue.record(error)
        }
        for replica in replicas { _ = await replica.stop() }
        if let restarted { _ = await restarted.stop() }
        for replica in replicas { await replica.stopAndRemove() }
        await local.stop()
        await database.destroy()
    }

    /// The value of an unlabelled series in a Prometheus exposition.
    static func metric(_ text: String, _ name: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ").last ?? "")
        }
        return nil
    }

    private func waitFor(_ timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }
}

/// What the load workers share: the ids of answered requests, and the stop flag.
final class LoadState: Sendable {
    let ok = Mutex<[String]>([])
    let stop = Mutex(false)
}
