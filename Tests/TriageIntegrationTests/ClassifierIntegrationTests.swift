import Foundation
import Testing
import TriageUpstream

@Suite("Classifier: auto routing, explain, train (real processes on 127.0.0.1)")
struct ClassifierIntegrationTests {
    private func autoRoutes(local: String, remote: String, directory: String, weights: String? = nil) -> String {
        """
        listen: {host: 127.0.0.1, port: 0}
        models: [triage]
        log: {path: "{LOG}"}
        backends:
          - {name: local, base_url: "\(local)", model: small-ft}
          - {name: remote, base_url: "\(remote)", model: big-model, api_key_env: TRIAGE_TEST_REMOTE_KEY}
        rules:
          - name: default
            match: {always: true}
            route: auto
        \(bankingAuto(cacheDirectory: directory + "/cache"))
        \(weights.map { "  complexity_weights: \($0)" } ?? "")
        """
    }

    @Test("two prompts with route: auto go to different backends, and the log shows both scores")
    func autoRouting() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-auto-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Environment.with(yaml: { local, remote in self.autoRoutes(local: local, remote: remote, directory: directory) }) { env in
            let routine = try await env.proxy.post(json: chatJSON("How do I check my card balance?"))
            #expect(routine.status == 200)
            #expect(routine.headers.header("x-triage-backend") == "local")
            let edge = try await env.proxy.post(json: chatJSON(
                "Prove that there are infinitely many primes, then derive step by step a sieve in Rust and analyze its complexity"
            ))
            #expect(edge.status == 200)
            #expect(edge.headers.header("x-triage-backend") == "remote")
            let records = try await env.triage.logRecords(atLeast: 2)
            let local = try #require(records.first { $0["backend"] as? String == "local" })
            let remote = try #require(records.first { $0["backend"] as? String == "remote" })
            let localScores = try #require(local["scores"] as? [String: Any])
            let remoteScores = try #require(remote["scores"] as? [String: Any])
            #expect(localScores["decided_by"] as? String == "none")
            #expect((localScores["fit"] as? Double ?? 0) >= 0.05)
            #expect((localScores["complexity"] as? Double ?? 1) <= 0.5)
            #expect(["fit", "complexity", "both"].contains(remoteScores["decided_by"] as? String ?? ""))
            #expect((remote["reason"] as? String)?.contains("classifier: fit") == true)
            // The index was cached by content for the next start.
            let cached = try FileManager.default.contentsOfDirectory(atPath: directory + "/cache")
            #expect(cached.contains { $0.hasSuffix(".idx") })
        }
    }

    @Test("`triage explain` prints both scores, the decision, the top features and the nearest reference prompts")
    func explain() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-explain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("routes.yaml").path
        try autoRoutes(local: "http://127.0.0.1:9/v1", remote: "http://127.0.0.1:9/v1", directory: directory.path)
            .replacingOccurrences(of: "{LOG}", with: directory.appendingPathComponent("r.jsonl").path)
            .write(toFile: config, atomically: true, encoding: .utf8)
        let child = try ChildProcess(executable: Repo.triageBinary, arguments: ["explain", "--config", config, "Why was my card declined?"])
        await child.waitForExit()
        #expect(child.process.terminationStatus == 0, "stderr: \(child.stderr.text)")
        let out = child.stdout.text
        #expect(out.contains("rule:   rule 'default'"))
        #expect(out.contains("fit: "))
        #expect(out.contains("complexity: "))
        #expect(out.contains("decision:   local"))
        #expect(out.contains("nearest reference prompts"))
        #expect(out.contains("Why was my card declined?"), "the copied reference prompt is the nearest: \(out)")
    }

    @Test("`triage train` fits weights with held-out metrics, and serve uses them")
    func train() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-train-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let weights = directory + "/complexity.json"
        let child = try ChildProcess(executable: Repo.triageBinary, arguments: [
            "train", "--labels", Repo.fixtures.appendingPathComponent("complexity-labels.jsonl").path, "--out", weights,
        ])
        await child.waitForExit()
        #expect(child.process.terminationStatus == 0, "stderr: \(child.stderr.text)")
        #expect(child.stdout.text.contains("held-out accuracy"))
        let accuracy = child.stdout.text.split(separator: " ").drop { $0 != "accuracy" }.dropFirst().first.flatMap { Double($0) }
        #expect((accuracy ?? 0) >= 0.9, "output: \(child.stdout.text)")
        #expect(FileManager.default.fileExists(atPath: weights))
        try await Environment.with(yaml: { local, remote in self.autoRoutes(local: local, remote: remote, directory: directory, weights: weights) }) { env in
            let hard = try await env.proxy.post(json: chatJSON("Implement a lock-free queue in C with atomics and prove it correct step by step"))
            #expect(hard.headers.header("x-triage-backend") == "remote")
            let easy = try await env.proxy.post(json: chatJSON("How do I check my card balance?"))
            #expect(easy.headers.header("x-triage-backend") == "local")
        }
        let bad = try ChildProcess(executable: Repo.triageBinary, arguments: ["train", "--labels", "/nonexistent.jsonl", "--out", weights])
        await bad.waitForExit()
        #expect(bad.process.terminationStatus == 1)
        #expect(bad.stderr.text.contains("/nonexistent.jsonl"))
    }
}
