import Foundation
import Testing
import TriageTestSupport
import TriageUpstream

@Suite("Flywheel: feedback, export, labels, report (real processes on 127.0.0.1)")
struct FlywheelIntegrationTests {
    private func run(_ arguments: [String]) async throws -> ChildProcess {
        let child = try ChildProcess(executable: Repo.triageBinary, arguments: arguments)
        await child.waitForExit()
        return child
    }

    @Test("feedback round-trip through a real server, then export, labels and report over its log")
    func cycle() async throws {
        try await Environment.with { env in
            var ids: [String] = []
            for prompt in ["How do I reset my password?", "What is the capital of France?"] {
                let result = try await env.proxy.post(json: chatJSON(prompt))
                ids.append(try #require(result.headers.header("x-triage-request-id")))
            }
            let remote = try await env.proxy.post(json: chatJSON("Write a haiku about routers"), headers: [("x-triage-backend", "remote")])
            ids.append(try #require(remote.headers.header("x-triage-request-id")))

            let bad = try await env.proxy.post("/v1/feedback", json: #"{"score": 3}"#)
            #expect(bad.status == 400)
            #expect((jsonObject(bad.body)?["error"] as? [String: Any])?["message"] is String)
            let unknown = try await env.proxy.post("/v1/feedback", json: #"{"request_id":"tr-nope","score":1}"#)
            #expect(unknown.status == 404)
            let ok = try await env.proxy.post("/v1/feedback", json: #"{"request_id":"\#(ids[0])","score":-1,"label":"wrong","comment":"bad answer"}"#)
            #expect(ok.status == 200, "body: \(ok.body)")
            #expect(await env.triage.stop() == 0)

            let feedbackFile = env.triage.directory.appendingPathComponent("logs/feedback.jsonl").path
            let stored = try String(contentsOfFile: feedbackFile, encoding: .utf8)
            #expect(stored.contains(ids[0]) && stored.contains("bad answer"))

            // Export: the answer with negative feedback is dropped; the rest split by prompt hash.
            let out = env.triage.directory.appendingPathComponent("export").path
            let export = try await run(["export", "--config", env.triage.configPath, "--out", out])
            #expect(export.process.terminationStatus == 0, "stderr: \(export.stderr.text)")
            #expect(export.stdout.text.contains("negative_feedback"))
            var exported = 0
            for split in ["train", "validation", "test"] {
                let text = (try? String(contentsOfFile: "\(out)/\(split).jsonl", encoding: .utf8)) ?? ""
                for line in text.split(separator: "\n") {
                    let object = try #require(jsonObject(String(line)))
                    let messages = try #require(object["messages"] as? [[String: Any]])
                    #expect(messages.last?["role"] as? String == "assistant")
                    exported += 1
                }
            }
            #expect(exported == 2)
            // Same command again: the same split for every prompt.
            let again = env.triage.directory.appendingPathComponent("export2").path
            _ = try await run(["export", "--config", env.triage.configPath, "--out", again])
            for split in ["train", "validation", "test"] {
                let first = try? String(contentsOfFile: "\(out)/\(split).jsonl", encoding: .utf8)
                let second = try? String(contentsOfFile: "\(again)/\(split).jsonl", encoding: .utf8)
                #expect(first == second)
            }

            // Labels: negative feedback on a local answer says that prompt needed the large model.
            let labelsPath = env.triage.directory.appendingPathComponent("labels.jsonl").path
            let labels = try await run(["export", "--config", env.triage.configPath, "--labels", labelsPath])
            #expect(labels.process.terminationStatus == 0, "stderr: \(labels.stderr.text)")
            let labelLines = try String(contentsOfFile: labelsPath, encoding: .utf8).split(separator: "\n")
            #expect(labelLines.count == 1)
            #expect(labelLines.first?.contains("\"label\":1") == true)

            // Report over the same log.
            let report = try await run(["report", "--config", env.triage.configPath, "--json"])
            #expect(report.process.terminationStatus == 0, "stderr: \(report.stderr.text)")
            let json = try #require(jsonObject(report.stdout.text))
            #expect(json["total_requests"] as? Int == 3)
            let text = try await run(["report", "--config", env.triage.configPath])
            #expect(text.stdout.text.contains("local"))
            #expect(text.stdout.text.contains("remote"))
        }
    }
}

@Suite("Shadow comparisons (real processes on 127.0.0.1)")
struct ShadowIntegrationTests {
    @Test("shadow copies never delay the client, are logged side by side, and respect the daily cap")
    func shadow() async throws {
        let local = try await FakeUpstream.start(name: "local")
        let remote = try await FakeUpstream.start(name: "remote", arguments: ["--delay", "3"])
        let client = UpstreamClient()
        defer { client.shutdown() }
        // Remote prices make each shadow copy cost about $0.01: a $0.025 cap allows two a day.
        let triage = try await TriageInstance.start(yaml: RoutesFixture.yaml(
            backends: localAndPricedRemote(local: local.baseURL, remote: remote.baseURL), extra: """
            listen: {host: 127.0.0.1, port: 0}
            log: {path: "{LOG}"}
            shadow: {rate: 1.0, backend: remote, daily_cap_usd: 0.025}
            """))
        let proxy = ProxyClient(client: client, base: triage.url)
        for index in 0..<4 {
            let started = ContinuousClock.now
            // Streamed and whole answers alike are shadowed.
            let result = try await proxy.post(json: chatJSON("shadow me \(index)", stream: index % 2 == 1))
            let elapsed = ContinuousClock.now - started
            #expect(result.status == 200)
            #expect(result.headers.header("x-triage-backend") == "local")
            #expect(elapsed < .milliseconds(2500), "request \(index): the client does not wait for the 3 s shadow copy (took \(elapsed))")
        }
        let records = try await triage.logRecords(atLeast: 4, timeout: .seconds(20))
        #expect(records.count == 4)
        let shadowed = records.filter { $0["shadow"] != nil }
        #expect(shadowed.count == 2, "the daily cap allows two copies")
        for record in shadowed {
            let shadow = try #require(record["shadow"] as? [String: Any])
            #expect(shadow["backend"] as? String == "remote")
            #expect((shadow["response"] as? String)?.hasPrefix("remote says: shadow me") == true)
            #expect((shadow["latency_ms"] as? Double ?? 0) >= 2900)
            let agreement = try #require(shadow["agreement"] as? Double)
            #expect(agreement > 0.3 && agreement < 1)
            #expect((record["response"] as? String)?.hasPrefix("local says:") == true)
        }
        #expect(try await remote.receivedRequests(client: client).count == 2)
        await triage.stopAndRemove()
        await local.stop()
        await remote.stop()
    }
}
