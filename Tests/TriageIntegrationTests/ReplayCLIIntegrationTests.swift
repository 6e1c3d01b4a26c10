import Foundation
import Testing
import TriageUpstream

@Suite("triage replay and calibrate (the built binary, on a log written by a real triage serve)")
struct ReplayCLIIntegrationTests {
    /// The served config: the harness's routes (header, model and prompt rules, then `route: auto`)
    /// with the classifier on (banking reference), a local backend that falls back to remote after
    /// 2 s, and shadow copies of every local answer.
    private static func routes(local: String, remote: String, maxComplexity: String = "0.5") -> String {
        testRoutes(local: local, remote: remote, remoteTimeouts: "{connect: 2, total: 15, idle: 15}",
                   localTimeouts: "{connect: 2, total: 2, idle: 2}")
            .replacingOccurrences(of: "    model: small-ft\n", with: "    model: small-ft\n    fallback: remote\n")
            .replacingOccurrences(of: "auto: {default_backend: local}", with: """
            auto:
              default_backend: local
              remote: remote
              reference: \(Repo.fixtures.appendingPathComponent("reference-banking.jsonl").path)
              min_fit: 0.05         # kept: a comment on the line
              max_complexity: \(maxComplexity)
              cache_dir: "{LOG}.cache"
            shadow: {rate: 1.0, backend: remote, daily_cap_usd: 100}
            """)
    }

    @Test("the served config replays with nothing moved; a stricter one moves exactly the classifier's local requests; calibrate --write edits two lines")
    func replayAndCalibrate() async throws {
        let local = try await FakeUpstream.start(name: "local")
        let remote = try await FakeUpstream.start(name: "remote")
        let client = UpstreamClient()
        defer { client.shutdown() }
        let yaml = Self.routes(local: local.baseURL, remote: remote.baseURL)
        let triage = try await TriageInstance.start(yaml: yaml, environment: ["TRIAGE_TEST_REMOTE_KEY": testSecret])
        let proxy = ProxyClient(client: client, base: triage.url)
        // Prompts of the reference (local), two unlike it (remote); the long ones get shadow copies
        // that agree with their answer (fake answers repeat the prompt), labelled "good" (0).
        let banking = ["Why was my card declined?", "How do I check my loan balance?", "My card is not working, what should I do?",
                       "Where can I see my loan history?", "My loan is not working, what should I do?",
                       "what is the weather like on mars in july", "Write a haiku about the sea and the moon tonight"]
        var localIDs: [String] = []
        for prompt in banking {
            let answer = try await proxy.post(json: chatJSON(prompt))
            #expect(answer.status == 200)
            if answer.headers.header("x-triage-backend") == "local", let id = answer.headers.header("x-triage-request-id") { localIDs.append(id) }
        }
        #expect(try await proxy.post(json: chatJSON("Prove that sqrt(2) is irrational")).status == 200)
        #expect(try await proxy.post(json: chatJSON("hello"), headers: [("X-Triage-Backend", "remote")]).status == 200)
        #expect(try await proxy.post(json: chatJSON("hi there", model: "triage-fast", stream: true)).status == 200)
        // Local times out (2 s) and the request falls back to remote, which answers at 4 s.
        let fellBack = try await proxy.post(json: chatJSON("[[delay:4]] card help please", model: "triage-fast"))
        #expect(fellBack.headers.header("x-triage-backend") == "remote")
        #expect(try await proxy.post(json: "{broken").status == 400)
        let firstLocal = try #require(localIDs.first, "some banking prompt is routed local")
        #expect(try await proxy.post("/v1/feedback", json: #"{"request_id":"\#(firstLocal)","score":-1}"#).status == 200)
        _ = try await triage.logRecords(atLeast: 12, timeout: .seconds(20))
        #expect(await triage.stop() == 0)
        let records = TriageInstance.readLog(triage.logPath)
        let handle = try #require(FileHandle(forWritingAtPath: triage.logPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"id":"tr-torn","ts":"2026-12-01T"#.utf8))
        try handle.close()

        let same = try await ProgramRun.run(Repo.triageBinary, ["replay", "--config", triage.configPath, "--json"])
        #expect(same.status == 0, "\(same.stderr)")
        let report = try #require(jsonObject(same.stdout))
        #expect(report["read"] as? Int == 12)
        #expect(report["replayed"] as? Int == 11, "the 400 has nothing to re-decide")
        #expect(report["unreadable_lines"] as? Int == 1)
        #expect(same.stderr.contains("incomplete last line"))
        #expect(report["moved"] as? Int == 0, "the served config decides every request again as the server did")
        #expect(report["rule_changed"] as? Int == 0)
        #expect(report["header_assumed"] as? Int == 1)
        let quality = try #require(report["quality"] as? [String: Any])
        #expect(quality["known_bad"] as? Int == 2, "negative feedback and the fallback")
        #expect(quality["known_good"] as? Int ?? 0 >= 1, "an agreeing shadow copy")
        #expect(quality["bad_still_local"] as? Int == quality["known_bad"] as? Int)

        // Stricter: every classifier decision goes remote.
        let candidate = triage.directory.appendingPathComponent("candidate.yaml").path
        try Self.routes(local: local.baseURL, remote: remote.baseURL, maxComplexity: "0.0")
            .replacingOccurrences(of: "{LOG}", with: triage.logPath).write(toFile: candidate, atomically: true, encoding: .utf8)
        let strict = try await ProgramRun.run(Repo.triageBinary, ["replay", "--config", candidate, "--json"])
        let moved = try #require(jsonObject(strict.stdout))
        let autoLocal = records.filter { ($0["rule"] as? String) == "default" && ($0["backend"] as? String) == "local" }.count
        #expect(autoLocal == localIDs.count)
        #expect(moved["moved"] as? Int == autoLocal)
        let movedQuality = try #require(moved["quality"] as? [String: Any])
        #expect(movedQuality["bad_now_remote"] as? Int ?? 0 >= 1, "the answer with negative feedback now goes remote")
        let text = try await ProgramRun.run(Repo.triageBinary, ["replay", "--config", candidate, "--show", "1"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("moved: \(autoLocal) requests"))
        #expect(text.stdout.contains("examples (first 1 of \(autoLocal)):"))

        // Calibrate on the log's labels, writing the two lines of a copy of the config.
        let copy = triage.directory.appendingPathComponent("routes-copy.yaml").path
        try String(contentsOfFile: triage.configPath, encoding: .utf8).write(toFile: copy, atomically: true, encoding: .utf8)
        let calibrated = try await ProgramRun.run(Repo.triageBinary, ["calibrate", "--config", copy, "--remote-share", "0.5", "--write"])
        #expect(calibrated.status == 0, "\(calibrated.stdout)\n\(calibrated.stderr)")
        #expect(calibrated.stdout.contains("curve (best quality at each remote share"))
        let before = try String(contentsOfFile: triage.configPath, encoding: .utf8).components(separatedBy: "\n")
        let after = try String(contentsOfFile: copy, encoding: .utf8).components(separatedBy: "\n")
        #expect(before.count == after.count)
        let changed = zip(before, after).filter { $0 != $1 }
        #expect(changed.allSatisfy { $0.0.contains("min_fit:") || $0.0.contains("max_complexity:") }, "\(changed)")
        #expect(after.contains { $0.contains("min_fit:") && $0.hasSuffix("# kept: a comment on the line") })
        #expect(try await ProgramRun.run(Repo.triageBinary, ["check", copy]).status == 0)
        let asJSON = try await ProgramRun.run(Repo.triageBinary, ["calibrate", "--config", triage.configPath, "--quality", "0.9", "--json"])
        let calibration = try #require(jsonObject(asJSON.stdout), "\(asJSON.stdout)\n\(asJSON.stderr)")
        #expect(calibration["samples"] as? Int == (quality["labelled"] as? Int), "the labelled records of the log")
        let chosen = try #require(calibration["chosen"] as? [String: Any])
        #expect((chosen["relative_quality"] as? Double ?? 0) >= 0.9)
        #expect(asJSON.stderr.contains("->"), "the lines to change go to stderr with --json")
        let usage = try await ProgramRun.run(Repo.triageBinary, ["calibrate", "--config", copy])
        #expect(usage.status == 64 && usage.stderr.contains("give exactly one target"))

        try? FileManager.default.removeItem(at: triage.directory)
        await local.stop()
        await remote.stop()
    }
}
