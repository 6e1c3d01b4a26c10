import Foundation
import Testing
import TriageUpstream
import TriageTestSupport

/// Two fake upstreams and a `triage serve` in front of them, all real processes on 127.0.0.1.
struct Environment {
    let local: FakeUpstream
    let remote: FakeUpstream
    let triage: TriageInstance
    let client: UpstreamClient
    var proxy: ProxyClient { ProxyClient(client: client, base: triage.url) }

    static func with(
        maxBody: Int = 65536,
        remoteTimeouts: String = "{connect: 2, total: 5, idle: 5}",
        localBaseURL: String? = nil,
        environment: [String: String] = ["TRIAGE_TEST_REMOTE_KEY": testSecret],
        yaml: (@Sendable (_ local: String, _ remote: String) -> String)? = nil,
        _ body: (Environment) async throws -> Void
    ) async throws {
        let local = try await FakeUpstream.start(name: "local")
        let remote = try await FakeUpstream.start(name: "remote")
        let client = UpstreamClient()
        let triage: TriageInstance
        do {
            let localURL = localBaseURL ?? local.baseURL
            triage = try await TriageInstance.start(
                yaml: yaml?(localURL, remote.baseURL)
                    ?? testRoutes(local: localURL, remote: remote.baseURL, maxBody: maxBody, remoteTimeouts: remoteTimeouts),
                environment: environment
            )
        } catch {
            await local.stop(); await remote.stop(); client.shutdown()
            throw error
        }
        let env = Environment(local: local, remote: remote, triage: triage, client: client)
        do {
            try await body(env)
        } catch {
            await triage.stopAndRemove(); await local.stop(); await remote.stop(); client.shutdown()
            throw error
        }
        await triage.stopAndRemove(); await local.stop(); await remote.stop(); client.shutdown()
    }
}

@Suite("Proxy integration (real processes on 127.0.0.1)", .serialized)
struct ProxyIntegrationTests {
    @Test("requests are routed by the rules, with the model rewritten and the key added upstream")
    func routesByRules() async throws {
        try await Environment.with { env in
            let routine = try await env.proxy.post(json: chatJSON("what is the capital of France?"))
            #expect(routine.status == 200)
            #expect(routine.headers.header("x-triage-backend") == "local")
            #expect(routine.headers.header("x-triage-rule") == "default")
            let routineBody = try #require(jsonObject(routine.body))
            let choices = try #require(routineBody["choices"] as? [[String: Any]])
            let message = try #require(choices.first?["message"] as? [String: Any])
            #expect((message["content"] as? String)?.hasPrefix("local says:") == true)

            let forced = try await env.proxy.post(json: chatJSON("hello"), headers: [("x-triage-backend", "remote")])
            #expect(forced.headers.header("x-triage-backend") == "remote")
            #expect(forced.headers.header("x-triage-rule") == "header-remote")

            let hard = try await env.proxy.post(json: chatJSON("Prove that sqrt(2) is irrational"))
            #expect(hard.headers.header("x-triage-rule") == "hard-prompts")

            let long = try await env.proxy.post(json: chatJSON(String(repeating: "tell me more about it ", count: 100)))
            #expect(long.headers.header("x-triage-rule") == "long-prompts")
            #expect(long.headers.header("x-triage-backend") == "remote")

            let fast = try await env.proxy.post(json: chatJSON("prove it", model: "triage-fast"))
            #expect(fast.headers.header("x-triage-rule") == "fast-model")
            #expect(fast.headers.header("x-triage-backend") == "local")

            let localSeen = try await env.local.receivedRequests(client: env.client)
            let remoteSeen = try await env.remote.receivedRequests(client: env.client)
            #expect(localSeen.count == 2)
            #expect(remoteSeen.count == 3)
            for request in localSeen {
                let body = try #require(request["body"] as? [String: Any])
                #expect(body["model"] as? String == "small-ft")
                let headers = try #require(request["headers"] as? [String: Any])
                #expect(headers["authorization"] == nil, "a backend without api_key_env gets no Authorization")
            }
            for request in remoteSeen {
                let body = try #require(request["body"] as? [String: Any])
                #expect(body["model"] as? String == "big-model")
                let headers = try #require(request["headers"] as? [String: Any])
                #expect(headers["authorization"] as? String == "Bearer \(testSecret)")
            }
            // The proxy reuses its upstream connections.
            let ports = Set(remoteSeen.compactMap { $0["client_port"] as? Int })
            #expect(ports.count == 1, "expected one reused connection to the remote backend, saw ports \(ports)")
        }
    }

    @Test("each request gets a complete routing log line")
    func logLines() async throws {
        try await Environment.with { env in
            let ok = try await env.proxy.post(json: chatJSON("hello there"))
            let requestID = try #require(ok.headers.header("x-triage-request-id"))
            _ = try await env.proxy.post(json: chatJSON("no usage here [[no-usage]]"))
            let records = try await env.triage.logRecords(atLeast: 2)
            let first = try #require(records.first { $0["id"] as? String == requestID })
            #expect(first["backend"] as? String == "local")
            #expect(first["upstream_model"] as? String == "small-ft")
            #expect(first["client_model"] as? String == "triage")
            #expect(first["rule"] as? String == "default")
            #expect((first["reason"] as? String)?.isEmpty == false)
            #expect(first["status"] as? Int == 200)
            #expect(first["stream"] as? Bool == false)
            #expect((first["latency_ms"] as? Double ?? -1) > 0)
            #expect((first["ts"] as? String)?.hasSuffix("Z") == true)
            let messages = try #require(first["messages"] as? [[String: Any]])
            #expect(messages.count == 2)
            #expect(messages.last?["content"] as? String == "hello there")
            #expect(first["response"] as? String == "local says: hello there")
            #expect(first["finish_reason"] as? String == "stop")
            let usage = try #require(first["usage"] as? [String: Any])
            #expect(usage["source"] as? String == "upstream")
            let prompt = try #require(usage["prompt_tokens"] as? Int)
            let completion = try #require(usage["completion_tokens"] as? Int)
            let cost = try #require(first["cost_usd"] as? Double)
            #expect(abs(cost - (Double(prompt) * 0.1 + Double(completion) * 0.2) / 1_000_000) < 1e-12)

            let estimated = try #require(records.first { ($0["response"] as? String)?.contains("no usage here") == true })
            let estimatedUsage = try #require(estimated["usage"] as? [String: Any])
            #expect(estimatedUsage["source"] as? String == "estimated")
            #expect((estimatedUsage["completion_tokens"] as? Int ?? 0) > 0)
        }
    }

    @Test("a stream is relayed chunk by chunk as it arrives, and logged reassembled")
    func streamsIncrementally() async throws {
        try await Environment.with { env in
            let response = try await env.proxy.open(json: chatJSON("one two three four five six [[chunks:6]] [[gate:g1]]", stream: true), timeout: 20)
            #expect(response.status == 200)
            #expect(response.header("content-type")?.hasPrefix("text/event-stream") == true)
            var received = ""
            var released = false
            var chunksBeforeRelease = 0
            for try await chunk in response.body {
                received += String(decoding: chunk, as: UTF8.self)
                if !released {
                    chunksBeforeRelease += 1
                    // The upstream holds its last chunk until released: seeing data now proves the relay is incremental.
                    #expect(received.contains("data: "))
                    try await env.local.release("g1", client: env.client)
                    released = true
                }
            }
            #expect(released)
            #expect(chunksBeforeRelease == 1)
            #expect(received.contains("data: [DONE]"))
            let events = received.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }
            #expect(events.count >= 6)
            let records = try await env.triage.logRecords(atLeast: 1)
            let record = try #require(records.first)
            #expect(record["stream"] as? Bool == true)
            #expect(record["response"] as? String == "local says: one two three four five six")
            #expect((record["ttft_ms"] as? Double ?? -1) >= 0)
            #expect((record["ttft_ms"] as? Double ?? 0) <= (record["latency_ms"] as? Double ?? 0))
        }
    }

    @Test("a stream the upstream finished before Triage answered goes out whole, in one response write")
    func finishedStreamInOneWrite() async throws {
        try await Environment.with { env in
            // The upstream sends head, events and end in one write: by the time the head is
            // handed over, the whole stream is there. Triage then answers with a plain body
            // (content-length, not chunked), and the events are exactly the relayed stream.
            let response = try await env.proxy.open(json: chatJSON("alpha beta gamma [[chunks:3]] [[one-write]]", stream: true), timeout: 20)
            #expect(response.status == 200)
            #expect(response.header("content-type")?.hasPrefix("text/event-stream") == true)
            #expect(response.header("transfer-encoding") == nil)
            let received = String(decoding: try await response.body.collect(upTo: 1 << 20), as: UTF8.self)
            #expect(response.header("content-length") == String(received.utf8.count))
            let events = received.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }
            #expect(events.count == 5, "\(received)")  // 3 pieces, the finish chunk, [DONE]
            #expect(events.last == "data: [DONE]")
            let records = try await env.triage.logRecords(atLeast: 1)
            let record = try #require(records.first)
            #expect(record["stream"] as? Bool == true)
            #expect(record["response"] as? String == "local says: alpha beta gamma")
            #expect(record["finish_reason"] as? String == "stop")
            #expect(record["error"] == nil)
        }
    }

    @Test("the server log on stderr: timestamp, level, label, sorted metadata, [source], message")
    func serverLogFormat() async throws {
        try await Environment.with { env in
            // A request in between: Hummingbird sets request metadata on its logger per request.
            let response = try await env.proxy.post(json: chatJSON("hello"))
            #expect(response.status == 200)
            let lines = env.triage.child.stderr.text.split(separator: "\n").map(String.init)
            let started = try #require(lines.first { $0.hasSuffix("[triage] started") }, "stderr: \(lines)")
            let pattern = #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4} info triage: backends=local,remote config=\S+ routing_log=\S+ rules=\d+ \[triage\] started$/#
            #expect(started.wholeMatch(of: pattern) != nil, "\(started)")
        }
    }

    @Test("a client that disconnects mid-stream aborts the upstream transfer and is logged")
    func clientDisconnects() async throws {
        try await Environment.with { env in
            // 40 chunks, 50 ms apart: the whole answer would take 2 s.
            let words = (1...40).map { "w\($0)" }.joined(separator: " ")
            let response = try await env.proxy.open(json: chatJSON("\(words) [[chunks:40]] [[delay:0.05]]", stream: true), timeout: 20)
            #expect(response.status == 200)
            for try await chunk in response.body {
                #expect(!chunk.isEmpty)
                break  // hang up after the first chunk: the client's connection is closed
            }
            let records = try await env.triage.logRecords(atLeast: 1)
            let record = try #require(records.first)
            #expect((record["error"] as? String)?.hasPrefix("client disconnected") == true, "record: \(record)")
            // The proxy stopped relaying (and aborted the upstream transfer) long before the end.
            #expect((record["response"] as? String)?.contains("w40") == false, "record: \(record)")
            #expect((record["latency_ms"] as? Double ?? 9999) < 1800)
            // The proxy is still serving.
            let after = try await env.proxy.post(json: chatJSON("still there?"))
            #expect(after.status == 200)
        }
    }

    @Test("upstream 500 gives 502 in OpenAI's error shape, and a log line")
    func upstream500() async throws {
        try await Environment.with { env in
            let result = try await env.proxy.post(json: chatJSON("break please [[fail:500]]"))
            #expect(result.status == 502)
            let error = try #require(jsonObject(result.body)?["error"] as? [String: Any])
            #expect(error["type"] as? String == "upstream_error")
            #expect((error["message"] as? String)?.contains("Backend 'local' returned HTTP 500") == true)
            #expect(error.keys.contains("code"))
            let records = try await env.triage.logRecords(atLeast: 1)
            #expect(records.first?["status"] as? Int == 502)
            #expect(records.first?["backend"] as? String == "local")
            #expect((records.first?["error"] as? String)?.contains("HTTP 500") == true)
        }
    }

    @Test("upstream 4xx keeps its status and message")
    func upstream429() async throws {
        try await Environment.with { env in
            let result = try await env.proxy.post(json: chatJSON("slow down [[fail:429]]"))
            #expect(result.status == 429)
            let error = try #require(jsonObject(result.body)?["error"] as? [String: Any])
            #expect(error["type"] as? String == "rate_limit_error")
        }
    }

    @Test("a hanging upstream gives 504 after the backend's timeout")
    func upstreamTimeout() async throws {
        try await Environment.with(remoteTimeouts: "{connect: 1, total: 1, idle: 1}") { env in
            let started = ContinuousClock.now
            let result = try await env.proxy.post(json: chatJSON("wait [[hang]]"), headers: [("x-triage-backend", "remote")])
            let elapsed = ContinuousClock.now - started
            #expect(result.status == 504)
            #expect(elapsed < .seconds(8), "the 1 s timeout answers, not the 120 s hang")
            let error = try #require(jsonObject(result.body)?["error"] as? [String: Any])
            #expect(error["code"] as? String == "upstream_timeout")
            let records = try await env.triage.logRecords(atLeast: 1)
            #expect(records.first?["status"] as? Int == 504)
        }
    }

    @Test("a refused connection gives 502 and a log line")
    func upstreamRefused() async throws {
        let port = freeLocalPort()
        try await Environment.with(localBaseURL: "http://127.0.0.1:\(port)/v1") { env in
            let result = try await env.proxy.post(json: chatJSON("anyone there?"))
            #expect(result.status == 502)
            let error = try #require(jsonObject(result.body)?["error"] as? [String: Any])
            #expect(error["code"] as? String == "upstream_unavailable")
            #expect((error["message"] as? String)?.contains("127.0.0.1:\(port)") == true)
            let records = try await env.triage.logRecords(atLeast: 1)
            #expect(records.first?["status"] as? Int == 502)
        }
    }

    @Test("an upstream that closes mid-stream ends the stream with an error event, logged")
    func closedMidStream() async throws {
        try await Environment.with { env in
            let result = try await env.proxy.post(json: chatJSON("talk a while [[close-mid-stream]] [[chunks:5]]", stream: true))
            #expect(result.status == 200)
            #expect(result.body.contains("data: {\"error\":"))
            #expect(!result.body.contains("[DONE]"))
            let records = try await env.triage.logRecords(atLeast: 1)
            #expect((records.first?["error"] as? String)?.hasPrefix("stream interrupted") == true)
        }
    }

    @Test("bad requests get 400/404/413 in OpenAI's shape, each logged, and the proxy stays up")
    func badRequests() async throws {
        try await Environment.with(maxBody: 2048) { env in
            let cases: [(String, Int, String)] = [
                ("{not json", 400, "invalid_json"),
                ("[1,2]", 400, "invalid_json"),
                (#"{"messages":[{"role":"user","content":"hi"}]}"#, 400, "missing_required_parameter"),
                (#"{"model":"triage"}"#, 400, "missing_required_parameter"),
                (#"{"model":"triage","messages":[]}"#, 400, "empty_array"),
                (#"{"model":"triage","messages":"hi"}"#, 400, "invalid_type"),
                (#"{"model":"triage","messages":[{"content":"hi"}]}"#, 400, "missing_required_parameter"),
                (#"{"model":"triage","messages":[{"role":"user","content":"hi"}],"stream":"yes"}"#, 400, "invalid_type"),
                (#"{"model":"gpt-17","messages":[{"role":"user","content":"hi"}]}"#, 404, "model_not_found"),
                (chatJSON(String(repeating: "x", count: 4096)), 413, "request_too_large"),
            ]
            for (body, status, code) in cases {
                let result = try await env.proxy.post(json: body)
                #expect(result.status == status, "body \(body.prefix(60))")
                let error = try #require(jsonObject(result.body)?["error"] as? [String: Any], "body \(result.body)")
                #expect(error["code"] as? String == code, "body \(body.prefix(60))")
                #expect((error["message"] as? String)?.isEmpty == false)
                #expect(error["type"] as? String == "invalid_request_error")
            }
            let unknownPath = try await env.proxy.post("/v1/nope", json: "{}")
            #expect(unknownPath.status == 404)
            #expect((jsonObject(unknownPath.body)?["error"] as? [String: Any])?["code"] as? String == "unknown_url")
            let records = try await env.triage.logRecords(atLeast: cases.count)
            #expect(records.count == cases.count)
            #expect(records.allSatisfy { ($0["status"] as? Int ?? 0) >= 400 && $0["error"] is String })
            let health = try await env.proxy.get("/healthz")
            #expect(health.status == 200)
        }
    }

    @Test("a missing API key variable is a clear 502 that names the variable, not a key")
    func missingKey() async throws {
        try await Environment.with(environment: [:]) { env in
            let result = try await env.proxy.post(json: chatJSON("hi"), headers: [("x-triage-backend", "remote")])
            #expect(result.status == 502)
            let error = try #require(jsonObject(result.body)?["error"] as? [String: Any])
            #expect(error["code"] as? String == "backend_api_key_missing")
            #expect((error["message"] as? String)?.contains("TRIAGE_TEST_REMOTE_KEY") == true)
        }
    }

    @Test("GET /v1/models lists the virtual models; /healthz answers")
    func modelsAndHealth() async throws {
        try await Environment.with { env in
            let models = try await env.proxy.get("/v1/models")
            #expect(models.status == 200)
            let list = try #require(jsonObject(models.body))
            #expect(list["object"] as? String == "list")
            let ids = (list["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids == ["triage", "triage-fast"])
            let health = try await env.proxy.get("/healthz")
            #expect(health.status == 200)
            #expect(jsonObject(health.body)?["status"] as? String == "ok")
        }
    }

    @Test("SIGTERM exits 0 with every log line written; secrets appear in no log line or error")
    func shutdownFlushesAndNoSecrets() async throws {
        try await Environment.with { env in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let stream = index % 2 == 0
                        let headers: [(name: String, value: String)] = index % 3 == 0 ? [("x-triage-backend", "remote")] : []
                        return try await env.proxy.post(json: chatJSON("request \(index)", stream: stream), headers: headers).status
                    }
                }
                for try await status in group { #expect(status == 200) }
            }
            let failing = try await env.proxy.post(json: chatJSON("[[fail:500]]"), headers: [("x-triage-backend", "remote")])
            #expect(!failing.body.contains(testSecret))
            let status = await env.triage.stop()
            #expect(status == 0)
            let records = TriageInstance.readLog(env.triage.logPath)
            #expect(records.count == 41)
            let raw = (try? String(contentsOfFile: env.triage.logPath, encoding: .utf8)) ?? ""
            #expect(!raw.contains(testSecret))
            #expect(!raw.lowercased().contains("authorization"))
            #expect(!env.triage.child.stderr.text.contains(testSecret))
        }
    }
}
