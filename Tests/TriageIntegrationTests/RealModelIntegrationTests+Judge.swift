import Foundation
import Testing
import TriageUpstream

/// In the real-model suite, which runs its tests one at a time: two llama.cpp servers generating
/// at once on a small machine starve each other's tests.
extension RealModelIntegrationTests {
    @Test("SmolLM2 as the judge: a grade or a recorded 'no grade' with its reason, never a lost log line")
    func realModelJudge() async throws {
        let model = try await RealModelServer.start()
        let local = try await FakeUpstream.start(name: "local")
        let remote = try await FakeUpstream.start(name: "remote")
        let client = UpstreamClient()
        defer { client.shutdown() }
        let yaml = judgeRoutes(local: local.baseURL, remote: remote.baseURL, judge: model.baseURL, judgeTimeouts: "{connect: 2, total: 120, idle: 60}")
            .replacingOccurrences(of: "model: judge-model", with: "model: smollm2-135m")
        let triage = try await TriageInstance.start(yaml: yaml)
        let proxy = ProxyClient(client: client, base: triage.url)
        let result = try await proxy.post(json: chatJSON("What is the capital of France?"))
        #expect(result.status == 200)
        let records = try await triage.logRecords(atLeast: 1, timeout: .seconds(240))
        #expect(records.count == 1)
        let shadow = try #require(records.first?["shadow"] as? [String: Any])
        let grade = try #require(shadow["judge"] as? [String: Any], "record: \(records[0])")
        let verdicts = try #require(grade["verdicts"] as? [String])
        #expect(verdicts.count == 2)
        #expect(verdicts.allSatisfy { ["local", "remote", "tie", "none"].contains($0) })
        if let outcome = grade["outcome"] as? String {
            #expect(["win", "tie", "loss"].contains(outcome))
            #expect(!verdicts.contains("none"))
        } else {
            #expect((grade["error"] as? String)?.hasPrefix("no grade: ") == true, "grade: \(grade)")
            #expect(verdicts.contains("none"))
        }
        #expect((records.first?["response"] as? String)?.hasPrefix("local says:") == true)
        await triage.stopAndRemove()
        await local.stop()
        await remote.stop()
        await model.stop()
    }
}
