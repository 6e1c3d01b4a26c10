import Foundation
import Testing
import TriageUpstream

/// routes.yaml with an OpenAI-compatible `local`, an Anthropic `remote`, an OpenAI backend
/// that speaks the Responses API (`responder`) and an embedding server (`embedder`).
private func apiRoutes(local: String, remote: String, responder: String, embedder: String) -> String {
    """
    listen: {host: 127.0.0.1, port: 0}
    models: [triage, embed]
    log: {path: "{LOG}"}
    backends:
      - {name: local, base_url: \(local), model: small-ft, price: {input_per_million: 0.1, output_per_million: 0.2}}
      - {name: remote, kind: anthropic, base_url: \(remote), model: big-model, api_key_env: TRIAGE_TEST_REMOTE_KEY}
      - {name: responder, base_url: \(responder), model: gpt-x, responses: true}
      - {name: embedder, base_url: \(embedder), model: mini-embed, price: {input_per_million: 0.02, output_per_million: 0}}
    rules:
      - {name: embeddings, match: {model: embed}, route: embedder}
      - {name: to-remote, match: {header: {name: x-triage-backend, value: remote}}, route: remote}
      - {name: to-responder, match: {header: {name: x-triage-backend, value: responder}}, route: responder}
      - {name: default, match: {always: true}, route: local}
    auto: {default_backend: local}
    """
}

@Suite("Responses API, tool calls across providers, embeddings: the real openai and anthropic SDKs")
struct APIIntegrationTests {
    @Test("responses.create (plain, streamed, tools), tool round trips both ways, images, embeddings")
    func sdkAPIs() async throws {
        let local = try await FakeUpstream.start(name: "local")
        let remote = try await FakeUpstream.start(name: "remote", script: "fake_anthropic_upstream.py")
        let responder = try await FakeUpstream.start(name: "responder")
        let embedder = try await FakeUpstream.start(name: "embedder")
        let triage = try await TriageInstance.start(
            yaml: apiRoutes(local: local.baseURL, remote: remote.baseURL, responder: responder.baseURL, embedder: embedder.baseURL),
            environment: ["TRIAGE_TEST_REMOTE_KEY": testSecret]
        )
        let client = UpstreamClient()
        defer { client.shutdown() }
        do {
            let script = Repo.fixtures.appendingPathComponent("sdk_api_check.py").path
            let child = try ChildProcess(executable: "/usr/bin/env", arguments: ["python3", script, triage.url])
            await child.waitForExit()
            #expect(child.process.terminationStatus == 0, "stdout:\n\(child.stdout.text)\nstderr:\n\(child.stderr.text)")
            #expect(child.stdout.text.contains("all ok"))

            // The Responses backend got Responses requests; the others got their own API.
            let passedThrough = try await responder.receivedRequests(client: client)
            #expect(!passedThrough.isEmpty && passedThrough.allSatisfy { $0["path"] as? String == "/v1/responses" })
            let translated = try await remote.receivedRequests(client: client)
            #expect(translated.allSatisfy { $0["path"] as? String == "/v1/messages" })

            let records = try await triage.logRecords(atLeast: 17)
            let responses = records.filter { $0["endpoint"] as? String == "/v1/responses" && $0["status"] as? Int == 200 }
            #expect(responses.count >= 8)
            for record in responses {
                #expect((record["usage"] as? [String: Any])?["source"] as? String == "upstream", "record: \(record)")
            }
            let previous = records.first { ($0["error"] as? String)?.contains("previous_response_id") == true }
            #expect(previous?["status"] as? Int == 400)

            let embeddings = records.filter { $0["endpoint"] as? String == "/v1/embeddings" }
            #expect(embeddings.count == 2)
            let first = try #require(embeddings.first)
            #expect(first["backend"] as? String == "embedder")
            #expect(first["dimensions"] as? Int == 16)
            #expect((first["usage"] as? [String: Any])?["prompt_tokens"] as? Int == 5)
            #expect(first["response"] == nil)
            #expect((first["cost_usd"] as? Double ?? 0) > 0)
            #expect(embeddings.last?["dimensions"] as? Int == 8)
            let raw = try String(contentsOfFile: triage.logPath, encoding: .utf8)
            #expect(!raw.contains("\"embedding\""))
            #expect(!raw.contains(testSecret))
        } catch {
            Issue.record(error)
        }
        await triage.stopAndRemove()
        for fake in [local, remote, responder, embedder] { await fake.stop() }
    }
}
