import Foundation
import Testing
import TriageUpstream

/// routes.yaml with an OpenAI-compatible `local` and a `remote` of the given kind.
private func ecosystemRoutes(local: String, remote: String, remoteKind: String) -> String {
    """
    listen: {host: 127.0.0.1, port: 0}
    models: [triage]
    log: {path: "{LOG}"}
    backends:
      - name: local
        base_url: \(local)
        model: small-ft
        price: {input_per_million: 0.1, output_per_million: 0.2}
      - name: remote
        kind: \(remoteKind)
        base_url: \(remote)
        model: big-model
        api_key_env: TRIAGE_TEST_REMOTE_KEY
        price: {input_per_million: 3, output_per_million: 15}
    rules:
      - name: header-remote
        match: {header: {name: x-triage-backend, value: remote}}
        route: remote
      - name: default
        match: {always: true}
        route: local
    auto: {default_backend: local}
    """
}

/// Runs `body` against triage with an OpenAI fake as `local` and a fake of `remoteKind` as `remote`.
private func withEcosystem(remoteKind: String, _ body: (TriageInstance, FakeUpstream, UpstreamClient) async throws -> Void) async throws {
    let local = try await FakeUpstream.start(name: "local")
    let remote = try await FakeUpstream.start(
        name: "remote", script: remoteKind == "anthropic" ? "fake_anthropic_upstream.py" : "fake_upstream.py"
    )
    let client = UpstreamClient()
    defer { client.shutdown() }
    let triage = try await TriageInstance.start(
        yaml: ecosystemRoutes(local: local.baseURL, remote: remote.baseURL, remoteKind: remoteKind),
        environment: ["TRIAGE_TEST_REMOTE_KEY": testSecret]
    )
    do {
        try await body(triage, remote, client)
    } catch {
        await triage.stopAndRemove(); await local.stop(); await remote.stop()
        throw error
    }
    await triage.stopAndRemove(); await local.stop(); await remote.stop()
}

private func runSDKCheck(_ triage: TriageInstance, remoteKind: String) async throws -> ChildProcess {
    let script = Repo.fixtures.appendingPathComponent("sdk_clients_check.py").path
    let child = try ChildProcess(executable: "/usr/bin/env", arguments: ["python3", script, triage.url, remoteKind])
    await child.waitForExit()
    try await Task.sleep(for: .milliseconds(50))
    return child
}

@Suite("Anthropic and OpenAI SDKs, both kinds of remote backend, legacy completions, metrics")
struct EcosystemIntegrationTests {
    @Test("the anthropic and openai Python SDKs work with an OpenAI-compatible remote", arguments: ["openai", "anthropic"])
    func sdkClients(remoteKind: String) async throws {
        try await withEcosystem(remoteKind: remoteKind) { triage, remote, client in
            let child = try await runSDKCheck(triage, remoteKind: remoteKind)
            #expect(child.process.terminationStatus == 0, "stdout:\n\(child.stdout.text)\nstderr:\n\(child.stderr.text)")
            #expect(child.stdout.text.contains("all ok"))
            // The remote got its key the way its kind expects, and the model was rewritten.
            let seen = try await remote.receivedRequests(client: client)
            #expect(!seen.isEmpty)
            for request in seen {
                let headers = request["headers"] as? [String: Any] ?? [:]
                if remoteKind == "anthropic" {
                    #expect(request["path"] as? String == "/v1/messages")
                    #expect(headers["x-api-key"] as? String == testSecret)
                    #expect(headers["anthropic-version"] as? String == "2023-06-01")
                } else {
                    #expect(headers["authorization"] as? String == "Bearer \(testSecret)")
                }
                #expect((request["body"] as? [String: Any])?["model"] as? String == "big-model")
            }
            // Every request was logged with its answer, whatever the translation.
            let records = try await triage.logRecords(atLeast: 10)
            let remoteRecords = records.filter { $0["backend"] as? String == "remote" && $0["status"] as? Int == 200 }
            #expect(remoteRecords.count == 4)
            for record in remoteRecords {
                #expect((record["response"] as? String)?.hasPrefix("remote says:") == true, "record: \(record)")
                #expect((record["usage"] as? [String: Any])?["completion_tokens"] as? Int ?? 0 > 0)
            }
            let endpoints = Set(records.compactMap { $0["endpoint"] as? String })
            #expect(endpoints == ["/v1/messages", "/v1/chat/completions"])
            let raw = try String(contentsOfFile: triage.logPath, encoding: .utf8)
            #expect(!raw.contains(testSecret))
        }
    }

    @Test("legacy functions to a backend of another API are a clear 400 in the client's shape")
    func toolCallsAcrossAPIs() async throws {
        try await withEcosystem(remoteKind: "anthropic") { triage, _, client in
            let proxy = ProxyClient(client: client, base: triage.url)
            let body = #"{"model":"triage","functions":[{"name":"f","parameters":{"type":"object"}}],"messages":[{"role":"user","content":"hi"}]}"#
            let result = try await proxy.post(json: body, headers: [("x-triage-backend", "remote")])
            #expect(result.status == 400)
            let error = try #require(jsonObject(result.body)?["error"] as? [String: Any])
            #expect(error["code"] as? String == "unsupported_translation")
            // The same request to the OpenAI-compatible local backend passes the tools through.
            let local = try await proxy.post(json: body)
            #expect(local.status == 200)
        }
    }

    @Test("POST /v1/completions is routed on the prompt and relayed")
    func legacyCompletions() async throws {
        try await withEcosystem(remoteKind: "openai") { triage, remote, client in
            let proxy = ProxyClient(client: client, base: triage.url)
            let result = try await proxy.post("/v1/completions", json: #"{"model":"triage","prompt":"complete me","max_tokens":5}"#,
                                              headers: [("x-triage-backend", "remote")])
            #expect(result.status == 200, "body: \(result.body)")
            #expect(result.headers.header("x-triage-backend") == "remote")
            let seen = try await remote.receivedRequests(client: client)
            #expect(seen.last?["path"] as? String == "/v1/completions")
            #expect((seen.last?["body"] as? [String: Any])?["prompt"] as? String == "complete me")
            let records = try await triage.logRecords(atLeast: 1)
            #expect(records.first?["endpoint"] as? String == "/v1/completions")
        }
    }

    @Test("GET /metrics is Prometheus text and its counters move with traffic")
    func metrics() async throws {
        try await withEcosystem(remoteKind: "openai") { triage, _, client in
            let proxy = ProxyClient(client: client, base: triage.url)
            let before = try await proxy.get("/metrics")
            #expect(before.status == 200)
            #expect(!before.body.contains("triage_requests_total{"))
            for _ in 0..<3 { _ = try await proxy.post(json: chatJSON("count me")) }
            _ = try await proxy.post(json: chatJSON("stream me [[chunks:3]]", stream: true), headers: [("x-triage-backend", "remote")])
            _ = try await proxy.post(json: "{oops")
            let after = try await proxy.get("/metrics").body
            func value(_ prefix: String) -> Double? {
                after.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
            }
            #expect(after.contains("# TYPE triage_requests_total counter"))
            let localOK = after.split(separator: "\n").first {
                $0.hasPrefix("triage_requests_total{") && $0.contains("backend=\"local\"") && $0.contains("status=\"200\"")
            }
            #expect(localOK?.hasSuffix(" 3") == true, "line: \(String(describing: localOK))")
            #expect(after.contains("status=\"400\""))
            #expect((value("triage_tokens_total{backend=\"local\",direction=\"completion\"}") ?? 0) > 0)
            #expect((value("triage_cost_usd_total{backend=\"remote\"}") ?? 0) > 0)
            #expect(after.contains("triage_time_to_first_token_seconds_count{backend=\"remote\"} 1"))
            #expect(after.contains("triage_breaker_state{backend=\"local\"} 0"))
            #expect(after.contains("triage_routing_log_queue_depth"))
        }
    }
}
