import Foundation
import Testing
import TriageUpstream

@Suite("triage eval (real processes on 127.0.0.1)")
struct EvalIntegrationTests {
    @Test("eval scores a backend against reference answers, judges them, passes/fails by threshold, resumes, and exits 2 on bad input")
    func evalGate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The candidate knows two of the four answers; the other two it echoes ("candidate says: ...").
        let known = directory.appendingPathComponent("known.jsonl").path
        try (#"{"prompt":"Capital of France?","answer":"Paris."}"# + "\n" + #"{"prompt":"2+2?","answer":"The answer is 4"}"# + "\n")
            .write(toFile: known, atomically: true, encoding: .utf8)
        let candidate = try await FakeUpstream.start(name: "candidate", arguments: ["--answers", known])
        let judge = try await FakeUpstream.start(name: "judge", arguments: ["--judge-prefer", "Paris"])
        let client = UpstreamClient()
        defer { client.shutdown() }
        let config = directory.appendingPathComponent("routes.yaml").path
        try """
        backends:
          - {name: candidate, base_url: "\(candidate.baseURL)", model: small-ft-v2}
          - {name: judge, base_url: "\(judge.baseURL)", model: judge-model}
        auto: {default_backend: candidate}
        eval: {threshold: 0.5, metric: exact}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        // As `triage export` writes test.jsonl (chat format), a torn last line included.
        let data = directory.appendingPathComponent("test.jsonl").path
        let lines = [
            #"{"messages":[{"role":"user","content":"Capital of France?"},{"role":"assistant","content":"paris"}]}"#,
            #"{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"2+2?"},{"role":"assistant","content":"the answer is 4."}]}"#,
            #"{"messages":[{"role":"user","content":"Name a colour"},{"role":"assistant","content":"Blue."}]}"#,
            #"{"messages":[{"role":"user","content":"Largest planet?"},{"role":"assistant","content":"Jupiter (not Paris)"}]}"#,
        ]
        try (lines.joined(separator: "\n") + "\n" + #"{"messages":[{"ro"#).write(toFile: data, atomically: true, encoding: .utf8)

        let base = ["eval", "--config", config, "--backend", "candidate", "--data", data]
        let pass = try await ProgramRun.run(Repo.triageBinary, base + ["--concurrency", "2"])
        #expect(pass.status == 0, "stdout: \(pass.stdout)\nstderr: \(pass.stderr)")
        #expect(pass.stdout.contains("items        4 (4 answered, 0 failed; 1 lines skipped)"), "stdout: \(pass.stdout)")
        #expect(pass.stdout.contains("exact match  0.500"))
        #expect(pass.stdout.contains("PASS: exact 0.500 >= threshold 0.5"))
        #expect(pass.stderr.contains("4/4 done"))
        #expect(pass.stderr.contains("line 5:"))
        #expect(try await candidate.receivedRequests(client: client).count == 4)

        // Resumed: every item is in the progress file, nothing is sent again.
        let json = try await ProgramRun.run(Repo.triageBinary, base + ["--resume", "--json", "--metric", "f1", "--threshold", "0.9"])
        #expect(json.status == 1, "stdout: \(json.stdout)\nstderr: \(json.stderr)")
        let summary = try #require(jsonObject(json.stdout), "stdout: \(json.stdout)")
        #expect(summary["passed"] as? Bool == false)
        #expect(summary["resumed"] as? Int == 4)
        #expect(summary["items"] as? Int == 4)
        // Two answers match whole (F1 1), the two echoes share no token with their reference (0).
        let f1 = try #require(summary["token_f1"] as? Double)
        #expect(abs(f1 - 0.5) < 1e-9)
        #expect(try await candidate.receivedRequests(client: client).count == 4)

        // With the judge, which prefers the answer that says "Paris": the candidate's "Paris." wins
        // over "paris", the reference "Jupiter (not Paris)" wins over the candidate's echo, the
        // other two are ties.
        let judged = try await ProgramRun.run(Repo.triageBinary, base + ["--judge", "judge", "--metric", "judge", "--threshold", "0.5", "--json"])
        let grades = try #require(jsonObject(judged.stdout)?["judge"] as? [String: Any], "stdout: \(judged.stdout)\nstderr: \(judged.stderr)")
        #expect(grades["win"] as? Int == 1)
        #expect(grades["tie"] as? Int == 2)
        #expect(grades["loss"] as? Int == 1)
        #expect(grades["score"] as? Double == 0.5)
        #expect(judged.status == 0)
        #expect(try await judge.receivedRequests(client: client).count == 8, "two orders per item")

        let unknown = try await ProgramRun.run(Repo.triageBinary, ["eval", "--config", config, "--backend", "nope", "--data", data])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no backend 'nope'"))
        let missing = try await ProgramRun.run(Repo.triageBinary, base.dropLast() + [data + ".missing"])
        #expect(missing.status == 2)
        let noJudge = try await ProgramRun.run(Repo.triageBinary, base + ["--metric", "judge"])
        #expect(noJudge.status == 2)
        #expect(noJudge.stderr.contains("needs a judge"))
        await candidate.stop()
        await judge.stop()
    }
}
