import Foundation
import Testing
import TriageUpstream

/// The OTLP/HTTP receiver fixture (Tests/Fixtures/otlp_receiver.py) and the spans it decoded.
private struct Receiver {
    let fake: FakeUpstream

    static func start() async throws -> Receiver {
        Receiver(fake: try await FakeUpstream.start(name: "otlp", script: "otlp_receiver.py"))
    }

    var endpoint: String { "http://127.0.0.1:\(fake.port)" }

    /// The spans received so far, waiting until `done` holds for them.
    func spans(client: UpstreamClient, timeout: Duration = .seconds(20), until done: ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + timeout
        var spans: [[String: Any]] = []
        repeat {
            let response = try await client.execute(UpstreamRequest(url: "\(endpoint)/spans", method: "GET"))
            let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
            spans = (try JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]]) ?? []
            if done(spans) { return spans }
            try await Task.sleep(for: .milliseconds(50))
        } while ContinuousClock.now < deadline
        return spans
    }
}

/// Runs `body` against triage with `telemetry` pointing at a fresh receiver. Spans are exported
/// every 50 ms (OTEL_BSP_SCHEDULE_DELAY) instead of every 5 s.
private func withTracedProxy(
    sampleRate: Double = 1, yaml: @escaping @Sendable (String, String) -> String = { testRoutes(local: $0, remote: $1) },
    _ body: (Environment, Receiver) async throws -> Void
) async throws {
    let receiver = try await Receiver.start()
    let endpoint = receiver.endpoint
    do {
        try await Environment.with(
            environment: ["TRIAGE_TEST_REMOTE_KEY": testSecret, "OTEL_BSP_SCHEDULE_DELAY": "50"],
            yaml: { local, remote in
                yaml(local, remote) + "\ntelemetry: {otlp_endpoint: \(endpoint), sample_rate: \(sampleRate), service_name: triage-test}\n"
            }
        ) { env in try await body(env, receiver) }
    } catch {
        await receiver.fake.stop()
        throw error
    }
    await receiver.fake.stop()
}

private let clientTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
private let clientSpanID = "00f067aa0ba902b7"
private let sampledParent = (name: "traceparent", value: "00-\(clientTraceID)-\(clientSpanID)-01")

private func attributes(_ span: [String: Any]) -> [String: Any] { span["attributes"] as? [String: Any] ?? [:] }

@Suite("OpenTelemetry traces over OTLP/HTTP", .serialized)
struct TelemetryIntegrationTests {
    @Test("one request: a server span under the client's traceparent, a child attempt span, and the backend got the same trace id")
    func requestSpan() async throws {
        try await withTracedProxy { env, receiver in
            let result = try await env.proxy.post(json: chatJSON("What is the capital of France?"), headers: [sampledParent])
            #expect(result.status == 200)
            let spans = try await receiver.spans(client: env.client) { $0.count >= 2 }
            #expect(spans.count == 2, "\(spans)")
            let server = try #require(spans.first { $0["kind"] as? Int == 2 })
            let attempt = try #require(spans.first { $0["kind"] as? Int == 3 })
            #expect(server["name"] as? String == "POST /v1/chat/completions")
            #expect(server["trace_id"] as? String == clientTraceID)
            #expect(server["parent_span_id"] as? String == clientSpanID)
            #expect(attempt["trace_id"] as? String == clientTraceID)
            #expect(attempt["parent_span_id"] as? String == server["span_id"] as? String)
            #expect(attempt["name"] as? String == "chat small-ft")
            #expect((server["resource"] as? [String: Any])?["service.name"] as? String == "triage-test")

            let record = try #require(try await env.triage.logRecords(atLeast: 1).first)
            let usage = try #require(record["usage"] as? [String: Any])
            let expected: [String: Any] = [
                "gen_ai.operation.name": "chat", "gen_ai.request.model": "triage", "gen_ai.response.model": "small-ft",
                "gen_ai.usage.input_tokens": usage["prompt_tokens"] as? Int ?? -1,
                "gen_ai.usage.output_tokens": usage["completion_tokens"] as? Int ?? -1,
                "http.response.status_code": 200, "triage.backend": "local", "triage.rule": "default",
                "triage.request_id": record["id"] as? String ?? "?", "triage.attempts": 1, "triage.usage.source": "upstream",
            ]
            let server_ = attributes(server)
            for (key, value) in expected {
                #expect("\(server_[key] ?? "missing")" == "\(value)", "\(key)")
            }
            #expect(server_["triage.cost_usd"] as? Double == record["cost_usd"] as? Double)
            #expect(server_["gen_ai.response.finish_reasons"] as? [String] == ["stop"])
            #expect(attributes(attempt)["triage.backend"] as? String == "local")
            #expect(attributes(attempt)["gen_ai.request.model"] as? String == "small-ft")
            #expect(attributes(attempt)["http.response.status_code"] as? Int == 200)
            #expect(attributes(attempt)["server.address"] as? String == "127.0.0.1")

            // The backend was called with the attempt span's context: same trace, new parent.
            let seen = try await env.local.receivedRequests(client: env.client)
            let headers = try #require(seen.last?["headers"] as? [String: Any])
            let outbound = try #require(headers["traceparent"] as? String)
            #expect(outbound == "00-\(clientTraceID)-\(attempt["span_id"] as? String ?? "?")-01")
        }
    }

    @Test("a stream's spans end with the stream; a failed attempt and its fallback are two child spans of an error span")
    func streamAndFallback() async throws {
        let yaml: @Sendable (String, String) -> String = { local, remote in
            testRoutes(local: local, remote: remote).replacingOccurrences(
                of: "    model: small-ft\n", with: "    model: small-ft\n    fallback: remote\n")
        }
        try await withTracedProxy(yaml: yaml) { env, receiver in
            let stream = try await env.proxy.post(json: chatJSON("count to three [[chunks:3]]", stream: true), headers: [sampledParent])
            #expect(stream.status == 200)
            let failed = try await env.proxy.post(json: chatJSON("[[fail:503]] hello"))
            #expect(failed.status == 502 || failed.status == 503)
            let spans = try await receiver.spans(client: env.client) { $0.count >= 5 }
            #expect(spans.count == 5, "\(spans)")
            let servers = spans.filter { $0["kind"] as? Int == 2 }
            let streamed = try #require(servers.first { attributes($0)["triage.stream"] as? Bool == true })
            #expect(attributes(streamed)["http.response.status_code"] as? Int == 200)
            #expect(attributes(streamed)["triage.ttft_ms"] is Double)
            let streamAttempt = try #require(spans.first { $0["parent_span_id"] as? String == streamed["span_id"] as? String })
            #expect((streamAttempt["end_ns"] as? Int ?? 0) <= (streamed["end_ns"] as? Int ?? 0))

            let failure = try #require(servers.first { attributes($0)["triage.stream"] as? Bool == false })
            #expect((failure["status"] as? [String: Any])?["code"] as? Int == 2)
            #expect(failure["parent_span_id"] as? String == "", "no traceparent: a new trace")
            #expect(attributes(failure)["triage.attempts"] as? Int == 2)
            let tries = spans.filter { $0["parent_span_id"] as? String == failure["span_id"] as? String }
            #expect(tries.map { attributes($0)["triage.backend"] as? String ?? "?" }.sorted() == ["local", "remote"])
            #expect(tries.allSatisfy { attributes($0)["http.response.status_code"] as? Int == 503 })
            #expect(tries.allSatisfy { ($0["status"] as? [String: Any])?["code"] as? Int == 2 })
            #expect(tries.allSatisfy { $0["trace_id"] as? String == failure["trace_id"] as? String })
        }
    }

    @Test("sample_rate 0 records no new traces, but a client's sampled traceparent is still followed")
    func sampling() async throws {
        try await withTracedProxy(sampleRate: 0) { env, receiver in
            #expect(try await env.proxy.post(json: chatJSON("unsampled")).status == 200)
            #expect(try await env.proxy.post(json: chatJSON("sampled by the client"), headers: [sampledParent]).status == 200)
            // Spans are exported in the order they end, so the first request's would come first.
            let spans = try await receiver.spans(client: env.client) { $0.count >= 2 }
            #expect(spans.count == 2, "\(spans)")
            #expect(spans.allSatisfy { $0["trace_id"] as? String == clientTraceID })
            let seen = try await env.local.receivedRequests(client: env.client)
            #expect(seen.count == 2)
            // An unsampled request still carries its context on, flagged as not sampled.
            let first = (seen.first?["headers"] as? [String: Any])?["traceparent"] as? String
            #expect(first?.hasSuffix("-00") == true, "\(first ?? "none")")
        }
    }

    @Test("without telemetry, the backend gets no traceparent (the client's is not forwarded)")
    func off() async throws {
        try await Environment.with { env in
            #expect(try await env.proxy.post(json: chatJSON("hello"), headers: [sampledParent]).status == 200)
            let seen = try await env.local.receivedRequests(client: env.client)
            #expect((seen.last?["headers"] as? [String: Any])?["traceparent"] == nil)
        }
    }
}
