import Foundation
import Testing
import TriageLog

/// Runs `triage` with arguments to completion and returns its exit status and output.
private func runTriage(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
    let child = try ChildProcess(executable: Repo.triageBinary, arguments: arguments)
    await child.waitForExit()
    try await Task.sleep(for: .milliseconds(50))  // let the readers drain the pipes
    return (child.process.terminationStatus, child.stdout.text, child.stderr.text)
}

@Suite("triage CLI and real clients")
struct CLIIntegrationTests {
    @Test("`triage check` accepts the shipped routes.yaml")
    func checkShipped() async throws {
        let result = try await runTriage(["check", Repo.root.appendingPathComponent("routes.yaml").path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("OK"))
    }

    @Test("`triage tail` reads across rotated files, oldest first")
    func tailAcrossRotation() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-tail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("routing.jsonl").path
        func lines(_ ids: [String]) -> Data {
            Data(ids.flatMap { id in
                RoutingLogRecord(id: id, timestamp: "2026-11-29T10:00:00.000Z", endpoint: "/v1/chat/completions",
                                     backend: "local", reason: "r", status: 200, latencyMs: 1).jsonLine()
            })
        }
        try lines(["tr-a", "tr-b"]).write(to: URL(fileURLWithPath: path + ".2"))
        try lines(["tr-c"]).write(to: URL(fileURLWithPath: path + ".1"))
        try lines(["tr-d"]).write(to: URL(fileURLWithPath: path))
        let result = try await runTriage(["tail", "--log", path, "--json", "-n", "3"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let ids = result.stdout.split(separator: "\n").compactMap { jsonObject(String($0))?["id"] as? String }
        #expect(ids == ["tr-b", "tr-c", "tr-d"])
    }

    @Test("every backend preset in docs/presets passes `triage check`")
    func presets() async throws {
        let directory = Repo.root.appendingPathComponent("docs/presets")
        let presets = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(presets == ["anthropic.yaml", "llamacpp.yaml", "ollama.yaml", "openai-compatible.yaml", "openai.yaml", "quickstart.yaml", "vllm.yaml"])
        for preset in presets {
            let result = try await runTriage(["check", directory.appendingPathComponent(preset).path])
            #expect(result.status == 0, "\(preset): \(result.stderr)")
            #expect(result.stdout.contains("OK"), "\(preset)")
        }
    }

    @Test("--version, --help with examples on every subcommand, and shell completion scripts")
    func cliPolish() async throws {
        let version = try await runTriage(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        for subcommand in ["serve", "check", "tail"] {
            let help = try await runTriage([subcommand, "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Examples:"), "\(subcommand) --help has examples")
        }
        for shell in ["bash", "zsh", "fish"] {
            let script = try await runTriage(["--generate-completion-script", shell])
            #expect(script.status == 0)
            #expect(script.stdout.contains("triage"), "\(shell) completion mentions triage")
        }
    }

    @Test("`triage check` names file, line and field of a bad route, exit code 2")
    func checkBad() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
        backends:
          - {name: local, base_url: "http://127.0.0.1:8000/v1", model: m}
          - {name: remote, base_url: "https://api.example.com/v1", model: big}
        rules:
          - match: {always: true}
            route: remot
        auto: {default_backend: local}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await runTriage(["check", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(path):6: rules[0].route: unknown backend 'remot' (known: local, remote)"), "stderr: \(result.stderr)")
    }

    @Test("`triage check` on a missing file exits 1")
    func checkMissing() async throws {
        let result = try await runTriage(["check", "/nonexistent/routes.yaml"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/routes.yaml"))
    }

    @Test("the openai Python package works against the proxy, streaming and not; tail shows its requests")
    func openAIPythonClient() async throws {
        try await Environment.with { env in
            let script = Repo.fixtures.appendingPathComponent("openai_client_check.py").path
            let child = try ChildProcess(executable: "/usr/bin/env", arguments: ["python3", script, env.triage.url + "/v1"])
            await child.waitForExit()
            try await Task.sleep(for: .milliseconds(50))
            #expect(child.process.terminationStatus == 0, "stdout:\n\(child.stdout.text)\nstderr:\n\(child.stderr.text)")
            #expect(child.stdout.text.contains("streaming ok"))

            // The client's own Authorization header is not forwarded to backends.
            let seen = try await env.local.receivedRequests(client: env.client)
            #expect(!seen.isEmpty)
            for request in seen {
                let headers = request["headers"] as? [String: Any] ?? [:]
                #expect((headers["authorization"] as? String)?.contains("client-key-not-forwarded") != true)
            }

            _ = try await env.triage.logRecords(atLeast: 5)
            let tail = try await runTriage(["tail", "--log", env.triage.logPath, "--backend", "remote"])
            #expect(tail.status == 0)
            let lines = tail.stdout.split(separator: "\n")
            #expect(lines.count == 1, "tail output:\n\(tail.stdout)")
            #expect(lines.first?.contains("remote") == true)
            #expect(lines.first?.contains("stream these words") == true)
        }
    }
}
