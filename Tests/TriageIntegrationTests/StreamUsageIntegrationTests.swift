import Foundation
import Testing
import TriageUpstream

/// The SSE events of a stream body (`data: ...` payloads, `[DONE]` included).
private func events(_ body: String) -> [String] {
    body.components(separatedBy: "\n\n").compactMap { event in
        event.hasPrefix("data: ") ? String(event.dropFirst(6)) : nil
    }
}

/// Whether an event is OpenAI's usage-only chunk (`choices: []` with `usage`).
private func isUsageChunk(_ payload: String) -> Bool {
    guard let object = jsonObject(payload), let choices = object["choices"] as? [Any] else { return false }
    return choices.isEmpty && object["usage"] is [String: Any]
}

@Suite("Exact usage for streamed answers (stream_usage)", .serialized)
struct StreamUsageIntegrationTests {
    @Test("a client that did not ask for usage: Triage asks upstream, logs the exact counts, and strips the extra chunk")
    func injectedAndStripped() async throws {
        try await Environment.with { env in
            let result = try await env.proxy.post(json: chatJSON("one two three four five [[chunks:5]]", stream: true))
            #expect(result.status == 200)
            let payloads = events(result.body)
            #expect(payloads.last == "[DONE]")
            #expect(!payloads.contains(where: isUsageChunk), "the client did not ask for the usage chunk:\n\(result.body)")
            #expect(payloads.filter { $0.hasPrefix("{") }.count >= 6)

            let seen = try await env.local.receivedRequests(client: env.client)
            let body = try #require(seen.last?["body"] as? [String: Any])
            #expect((body["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
            #expect(body["model"] as? String == "small-ft")

            let record = try #require(try await env.triage.logRecords(atLeast: 1).first)
            #expect(record["response"] as? String == "local says: one two three four five")
            let usage = try #require(record["usage"] as? [String: Any])
            #expect(usage["source"] as? String == "upstream")
            #expect(usage["completion_tokens"] as? Int == 7)  // the fake counts the reply's words
        }
    }

    @Test("a client that asked for usage gets the usage chunk, as from the backend")
    func clientAskedKeepsIt() async throws {
        try await Environment.with { env in
            let json = #"{"model":"triage","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"alpha beta"}]}"#
            let result = try await env.proxy.post(json: json)
            #expect(result.status == 200)
            let usageChunks = events(result.body).filter(isUsageChunk)
            #expect(usageChunks.count == 1, "\(result.body)")
            let record = try #require(try await env.triage.logRecords(atLeast: 1).first)
            #expect((record["usage"] as? [String: Any])?["source"] as? String == "upstream")
        }
    }

    @Test("the client's own stream_options are kept and merged; include_usage: false still gets exact counts, without the chunk")
    func clientOptionsMerged() async throws {
        try await Environment.with { env in
            let json = #"{"model":"triage","stream":true,"stream_options":{"include_usage":false,"x_vendor":1},"messages":[{"role":"user","content":"gamma delta"}]}"#
            let result = try await env.proxy.post(json: json)
            #expect(result.status == 200)
            #expect(!events(result.body).contains(where: isUsageChunk))
            let seen = try await env.local.receivedRequests(client: env.client)
            let options = try #require((seen.last?["body"] as? [String: Any])?["stream_options"] as? [String: Any])
            #expect(options["include_usage"] as? Bool == true)
            #expect(options["x_vendor"] as? Int == 1)
            let record = try #require(try await env.triage.logRecords(atLeast: 1).first)
            #expect((record["usage"] as? [String: Any])?["source"] as? String == "upstream")
        }
    }

    @Test("stream_usage: false sends the client's bytes as they were, and the counts are estimated")
    func switchedOff() async throws {
        try await Environment.with(yaml: { local, remote in
            testRoutes(local: local, remote: remote).replacingOccurrences(
                of: "    model: small-ft\n", with: "    model: small-ft\n    stream_usage: false\n")
        }) { env in
            let result = try await env.proxy.post(json: chatJSON("epsilon zeta", stream: true))
            #expect(result.status == 200)
            let seen = try await env.local.receivedRequests(client: env.client)
            let body = try #require(seen.last?["body"] as? [String: Any])
            #expect(body["stream_options"] == nil)
            let record = try #require(try await env.triage.logRecords(atLeast: 1).first)
            #expect((record["usage"] as? [String: Any])?["source"] as? String == "estimated")
        }
    }
}

@Suite("A backend that refuses stream_options")
struct StreamOptionsRejectedTests {
    @Test("Triage retries without the option once, remembers the backend, and the client never sees the refusal")
    func refusedThenRemembered() async throws {
        let local = try await FakeUpstream.start(name: "local", arguments: ["--reject-stream-options"])
        let remote = try await FakeUpstream.start(name: "remote")
        let client = UpstreamClient()
        let triage: TriageInstance
        do {
            triage = try await TriageInstance.start(yaml: testRoutes(local: local.baseURL, remote: remote.baseURL))
        } catch {
            await local.stop(); await remote.stop(); client.shutdown()
            throw error
        }
        let proxy = ProxyClient(client: client, base: triage.url)
        do {
            for index in 0..<2 {
                let result = try await proxy.post(json: chatJSON("refused \(index)", stream: true))
                #expect(result.status == 200, "\(result.body)")
                #expect(result.body.contains("data: [DONE]"))
            }
            // First request: one refused try with the option, then one without; second: without only.
            let seen = try await local.receivedRequests(client: client)
            let withOptions = seen.filter { (($0["body"] as? [String: Any])?["stream_options"]) != nil }
            #expect(seen.count == 3, "\(seen.count) requests reached the backend")
            #expect(withOptions.count == 1)
            let records = try await triage.logRecords(atLeast: 2)
            #expect(Set(records.compactMap { $0["response"] as? String }) == ["local says: refused 0", "local says: refused 1"])
            for record in records {
                #expect(record["status"] as? Int == 200)
                #expect((record["usage"] as? [String: Any])?["source"] as? String == "estimated")
                #expect(record["attempts"] == nil, "the refusal is not a failed attempt: \(record)")
            }
            #expect(triage.child.stderr.text.contains("rejects stream_options"))
        } catch {
            await triage.stopAndRemove(); await local.stop(); await remote.stop(); client.shutdown()
            throw error
        }
        await triage.stopAndRemove(); await local.stop(); await remote.stop(); client.shutdown()
    }
}
