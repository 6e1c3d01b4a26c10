import Foundation
import Testing
import TriageUpstream

/// routes.yaml with a local, a remote (shadow) and a judge backend, every request shadowed and judged.
func judgeRoutes(local: String, remote: String, judge: String, judgeTimeouts: String = "{connect: 2, total: 20, idle: 20}", cap: Double = 1) -> String {
    """
    listen: {host: 127.0.0.1, port: 0}
    log: {path: "{LOG}"}
    backends:
      - {name: local, base_url: "\(local)", model: small-ft}
      - {name: remote, base_url: "\(remote)", model: big-model}
      - name: judge
        base_url: "\(judge)"
        model: judge-model
        timeouts: \(judgeTimeouts)
        price: {input_per_million: 100, output_per_million: 100}
    rules:
      - {name: default, match: {always: true}, route: local}
    auto: {default_backend: local}
    shadow:
      rate: 1.0
      backend: remote
      judge: {backend: judge, daily_cap_usd: \(cap)}
    """
}

@Suite("LLM judge of shadow copies (real processes on 127.0.0.1)")
struct JudgeIntegrationTests {
    @Test("a fake judge's fixed grades reach the log beside the Jaccard, both orders asked, its cap holds, and labels use them")
    func fakeJudge() async throws {
        let local = try await FakeUpstream.start(name: "local")
        let remote = try await FakeUpstream.start(name: "remote")
        // Prefers whichever answer says "remote": the local answer loses in both orders.
        let judge = try await FakeUpstream.start(name: "judge", arguments: ["--judge-prefer", "remote"])
        let client = UpstreamClient()
        defer { client.shutdown() }
        // Each grade reserves about $0.162 (2 x 512 output tokens and ~600 prompt tokens at $100/M)
        // and costs about $0.035: a $0.18 cap allows the first grade, not the second.
        let triage = try await TriageInstance.start(yaml: judgeRoutes(local: local.baseURL, remote: remote.baseURL, judge: judge.baseURL, cap: 0.18))
        let proxy = ProxyClient(client: client, base: triage.url)
        var records: [[String: Any]] = []
        for index in 0..<2 {
            let started = ContinuousClock.now
            let result = try await proxy.post(json: chatJSON("judge me \(index)"))
            #expect(result.status == 200)
            #expect(ContinuousClock.now - started < .seconds(5))
            records = try await triage.logRecords(atLeast: index + 1, timeout: .seconds(30))
        }
        let first = try #require(records.first?["shadow"] as? [String: Any])
        #expect(first["agreement"] is Double, "the Jaccard stays beside the grade")
        let grade = try #require(first["judge"] as? [String: Any], "record: \(records[0])")
        #expect(grade["backend"] as? String == "judge")
        #expect(grade["outcome"] as? String == "loss")
        #expect(grade["verdicts"] as? [String] == ["remote", "remote"])
        #expect((grade["prompt_version"] as? String)?.hasPrefix("triage-pairwise-v1#") == true)
        #expect((grade["cost_usd"] as? Double ?? 0) > 0)
        let second = try #require((records.last?["shadow"] as? [String: Any])?["judge"] as? [String: Any])
        #expect(second["outcome"] == nil)
        #expect((second["error"] as? String)?.contains("daily cap") == true, "second grade: \(second)")

        // Both orders: remote's answer shown first as A, then local's.
        let asked = try await judge.receivedRequests(client: client)
        #expect(asked.count == 2)
        let prompts = asked.compactMap { request -> String? in
            let messages = (request["body"] as? [String: Any])?["messages"] as? [[String: Any]]
            return messages?.last?["content"] as? String
        }
        #expect(prompts.count == 2)
        #expect(prompts.first?.contains("[The Start of Assistant A's Answer]\nremote says: judge me 0") == true)
        #expect(prompts.last?.contains("[The Start of Assistant A's Answer]\nlocal says: judge me 0") == true)
        // The whole conversation, role by role, is the question.
        #expect(prompts.allSatisfy { $0.contains("[User Question]\nsystem: be brief\nuser: judge me 0") })

        // export --labels: the judge's loss labels the first prompt 1, whatever the Jaccard says.
        _ = await triage.stop()
        let labels = triage.directory.appendingPathComponent("labels.jsonl").path
        let run = try await ProgramRun.run(Repo.triageBinary, ["export", "--config", triage.configPath, "--labels", labels])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("judge_worse"), "stdout: \(run.stdout)")
        let text = try String(contentsOfFile: labels, encoding: .utf8)
        #expect(text.contains(#""label":1"#) && text.contains("judge me 0"))
        await triage.stopAndRemove()
        await local.stop()
        await remote.stop()
        await judge.stop()
    }
}
