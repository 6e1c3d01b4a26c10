import Foundation
import Testing
import TriageUpstream
import TriageTestSupport

/// Runs a process to completion; returns its exit status and output.
private func runToEnd(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, stdout: String, stderr: String) {
    let child = try ChildProcess(executable: executable, arguments: arguments, environment: environment)
    await child.waitForExit()
    try await Task.sleep(for: .milliseconds(50))
    return (child.process.terminationStatus, child.stdout.text, child.stderr.text)
}

/// Test routes with the real model as `local` (and the remote backend's key left unset).
private func realModelRoutes(local: String, remote: String) -> String {
    testRoutes(local: local, remote: remote, localTimeouts: "{connect: 2, total: 60, idle: 30}")
        .replacingOccurrences(of: "model: small-ft", with: "model: smollm2-135m")
}

/// Runs `body` with a real SmolLM2 server and Triage in front of it (remote: a fake, without key).
/// (Internal: the API tests in RealModelIntegrationTests+APIs.swift use it too.)
func withRealModel(_ body: (RealModelServer, Environment) async throws -> Void) async throws {
    let server = try await RealModelServer.start()
    do {
        try await Environment.with(localBaseURL: server.baseURL, environment: [:], yaml: realModelRoutes) { env in
            try await body(server, env)
        }
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

private func chatBody(_ prompt: String, model: String, maxTokens: Int, stream: Bool = false, noEOS: Bool = false) -> [UInt8] {
    var body: [String: Any] = [
        "model": model, "max_tokens": maxTokens, "temperature": 0, "stream": stream,
        "messages": [["role": "user", "content": prompt]],
    ]
    // SmolLM2's end tokens (<|endoftext|> = 0, <|im_end|> = 2) banned: it generates all max_tokens.
    if noEOS { body["logit_bias"] = ["0": -100, "2": -100] }
    return Array((try? JSONSerialization.data(withJSONObject: body)) ?? Data())
}

@Suite("Real local model: SmolLM2-135M on llama.cpp behind Triage", .serialized)
struct RealModelIntegrationTests {
    @Test("the openai SDK gets the same answers through the proxy as directly, JSON and streamed; the server's usage is logged")
    func answersArriveIntact() async throws {
        try await withRealModel { server, env in
            let script = Repo.fixtures.appendingPathComponent("real_model_check.py").path
            let run = try await runToEnd("/usr/bin/env", ["python3", script, "--direct", server.baseURL, "--proxy", env.triage.url + "/v1"])
            #expect(run.status == 0, "stderr:\n\(run.stderr)")
            let result = try #require(jsonObject(run.stdout), "stdout:\n\(run.stdout)\nstderr:\n\(run.stderr)")
            let json = try #require(result["json"] as? [[String: Any]])
            let streams = try #require(result["stream"] as? [[String: Any]])
            #expect(json.count == 3 && streams.count == 3)

            let records = try await env.triage.logRecords(atLeast: 6)
            let byID = Dictionary(records.compactMap { r in (r["id"] as? String).map { ($0, r) } }, uniquingKeysWith: { a, _ in a })

            for pair in json {
                let direct = try #require(pair["direct"] as? String)
                #expect(!direct.isEmpty)
                #expect(pair["proxy"] as? String == direct, "prompt: \(pair["prompt"] ?? "")")
                #expect(pair["proxy_finish"] as? String == pair["direct_finish"] as? String)
                #expect(pair["proxy_backend"] as? String == "local")
                let directUsage = try #require(pair["direct_usage"] as? [String: Any])
                let proxyUsage = try #require(pair["proxy_usage"] as? [String: Any])
                #expect(proxyUsage["prompt_tokens"] as? Int == directUsage["prompt_tokens"] as? Int)
                #expect(proxyUsage["completion_tokens"] as? Int == directUsage["completion_tokens"] as? Int)

                // The log line carries the server's own counts and the answer as it was sent.
                let id = try #require(pair["proxy_id"] as? String)
                let record = try #require(byID[id], "no log line for \(id)")
                #expect(record["backend"] as? String == "local")
                #expect(record["upstream_model"] as? String == "smollm2-135m")
                #expect(record["response"] as? String == direct)
                let usage = try #require(record["usage"] as? [String: Any])
                #expect(usage["source"] as? String == "upstream")
                #expect(usage["prompt_tokens"] as? Int == directUsage["prompt_tokens"] as? Int)
                #expect(usage["completion_tokens"] as? Int == directUsage["completion_tokens"] as? Int)
            }
            for pair in streams {
                let direct = try #require(pair["direct"] as? String)
                #expect(!direct.isEmpty)
                #expect(pair["proxy"] as? String == direct, "prompt: \(pair["prompt"] ?? "")")
                #expect((pair["proxy_chunks"] as? Int ?? 0) > 2, "a stream must arrive in several chunks")
                let id = try #require(pair["proxy_id"] as? String)
                let record = try #require(byID[id], "no log line for \(id)")
                #expect(record["stream"] as? Bool == true)
                #expect(record["response"] as? String == direct)
                #expect(record["status"] as? Int == 200)
                let usage = try #require(record["usage"] as? [String: Any])
                #expect((usage["completion_tokens"] as? Int ?? 0) > 0)
            }
        }
    }

    @Test("a client that hangs up on a stream stops generation on the model server")
    func cancelStopsGeneration() async throws {
        try await withRealModel { server, env in
            let long = "Count from 1 to 500, separated by commas."
            // Baseline, same run: the whole 300-token generation, directly.
            let baselineStart = ContinuousClock.now
            let full = try await env.client.execute(UpstreamRequest(
                url: server.baseURL + "/chat/completions", method: "POST", headers: [("Content-Type", "application/json")],
                body: chatBody(long, model: "smollm2-135m", maxTokens: 300, noEOS: true),
                timeouts: UpstreamTimeouts(connect: 5, total: 120, idle: 60)
            ))
            let fullBody = try await full.body.collect(upTo: 1 << 20)
            let baseline = ContinuousClock.now - baselineStart
            let fullJSON = try #require(jsonObject(String(decoding: fullBody, as: UTF8.self)))
            #expect(((fullJSON["usage"] as? [String: Any])?["completion_tokens"] as? Int) == 300)

            // The same generation streamed through Triage; hang up after the first few chunks.
            let streamed = try await env.client.execute(UpstreamRequest(
                url: env.triage.url + "/v1/chat/completions", method: "POST", headers: [("Content-Type", "application/json")],
                body: chatBody(long, model: "triage", maxTokens: 300, stream: true, noEOS: true),
                timeouts: UpstreamTimeouts(connect: 5, total: 120, idle: 60)
            ))
            #expect(streamed.status == 200)
            var seen = 0
            for try await chunk in streamed.body {
                seen += String(decoding: chunk, as: UTF8.self).components(separatedBy: "data: ").count - 1
                if seen >= 3 { break }  // closes the client's connection
            }
            let hungUp = ContinuousClock.now

            // llama.cpp serves one request at a time (interrupt_requests is off in the fixture):
            // a one-token request has to wait for the stream's generation unless it stopped.
            let probe = try await env.client.execute(UpstreamRequest(
                url: server.baseURL + "/chat/completions", method: "POST", headers: [("Content-Type", "application/json")],
                body: chatBody("Hi", model: "smollm2-135m", maxTokens: 1),
                timeouts: UpstreamTimeouts(connect: 5, total: 120, idle: 60)
            ))
            _ = try await probe.body.collect(upTo: 1 << 20)
            let waited = ContinuousClock.now - hungUp
            #expect(probe.status == 200)
            #expect(waited < baseline * 0.4, "the probe waited \(waited) after the hang-up; the whole generation takes \(baseline)")

            let records = try await env.triage.logRecords(atLeast: 1)
            let record = try #require(records.first)
            #expect((record["error"] as? String)?.hasPrefix("client disconnected") == true, "record: \(record)")
            #expect(record["backend"] as? String == "local")
        }
    }

    /// The fixture once armed PR_SET_PDEATHSIG, whose "parent" is the spawning *thread*: when the
    /// Swift concurrency pool retired that thread after a few idle seconds, the kernel killed the
    /// server mid-test, and the request it was answering got "Empty reply from server".
    @Test("the model server outlives the thread that started it (it watches its parent process, not that thread)")
    func serverOutlivesTheSpawningThread() async throws {
        let command = try RealModelServer.command()
        let spawned = Locked<Result<ChildProcess, any Error>?>(nil)
        // A thread of our own starts the server, waits until it serves, and exits.
        let thread = Thread {
            do {
                let child = try ChildProcess(executable: command.executable, arguments: command.arguments)
                let deadline = Date().addingTimeInterval(120)
                while !child.stdout.text.contains("PORT "), child.process.isRunning, Date() < deadline {
                    usleep(20_000)
                }
                spawned.withLock { $0 = .success(child) }
            } catch {
                spawned.withLock { $0 = .failure(error) }
            }
        }
        thread.start()
        while spawned.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(20)) }
        let child = try #require(try spawned.withLock { $0 }?.get())
        defer { _ = child.process.isRunning ? kill(child.process.processIdentifier, SIGKILL) : 0 }
        let line = try await child.stdout.waitForLine(prefix: "PORT ")
        try await Task.sleep(for: .seconds(1))  // the starting thread has long exited
        #expect(child.process.isRunning, "the model server died with the thread that started it")
        let client = UpstreamClient()
        defer { client.shutdown() }
        let port = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
        let models = try await client.execute(UpstreamRequest(url: "http://127.0.0.1:\(port)/v1/models", method: "GET"))
        _ = try await models.body.collect(upTo: 1 << 20)
        #expect(models.status == 200)
        #expect(await child.closeInput(timeout: .seconds(5)), "the server exits when its stdin closes")
    }

    @Test("the README's quick start answers a routine prompt with SmolLM2 and says plainly that remote is unavailable without a key")
    func quickStart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-quickstart-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try await runToEnd(
            Repo.root.appendingPathComponent("scripts/quickstart.sh").path, ["--once"],
            environment: [
                "TRIAGE_BIN": Repo.triageBinary, "TRIAGE_PORT": String(freeLocalPort()), "LOCAL_MODEL_PORT": String(freeLocalPort()),
                "QUICKSTART_DIR": directory.path, "OPENAI_API_KEY": "",
            ]
        )
        #expect(run.status == 0, "stdout:\n\(run.stdout)\nstderr:\n\(run.stderr)")
        #expect(run.stdout.contains("HTTP 200 from backend local"), "stdout:\n\(run.stdout)")
        #expect(run.stdout.contains("HTTP 502 from backend remote"), "stdout:\n\(run.stdout)")
        #expect(run.stderr.contains("OPENAI_API_KEY is not set"))

        let records = TriageInstance.readLog(directory.appendingPathComponent("routing.jsonl").path)
        #expect(records.count == 2, "\(records)")
        let local = try #require(records.first { $0["backend"] as? String == "local" })
        #expect(local["status"] as? Int == 200)
        #expect(((local["response"] as? String) ?? "").isEmpty == false)
        #expect((local["usage"] as? [String: Any])?["source"] as? String == "upstream")
        let remote = try #require(records.first { $0["backend"] as? String == "remote" })
        #expect(remote["status"] as? Int == 502)
        #expect((remote["error"] as? String)?.contains("Backend 'remote' is unavailable") == true)
        #expect((remote["error"] as? String)?.contains("OPENAI_API_KEY") == true)
        // Both processes the quick start started are gone.
        let models = try await runToEnd(Repo.root.appendingPathComponent("scripts/local-model.sh").path, ["status"],
                                        environment: ["LOCAL_MODEL_RUN_DIR": directory.appendingPathComponent("model-server").path])
        #expect(models.stdout.contains("not running"))
    }
}
