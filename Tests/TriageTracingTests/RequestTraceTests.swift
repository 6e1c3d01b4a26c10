import InMemoryTracing
import ServiceLifecycle
import Testing
import Tracing
import TriageLog
@testable import TriageTracing

/// A service with nothing to run (the in-memory tracer exports nothing).
private struct IdleService: Service {
    func run() async throws {}
}

private func record(status: Int = 200, error: String? = nil) -> RoutingLogRecord {
    var record = RoutingLogRecord(
        id: "tr-1", timestamp: "2026-12-01T18:00:00.000Z", endpoint: "/v1/chat/completions", clientModel: "triage",
        stream: true, backend: "remote", upstreamModel: "big-model", rule: "default", reason: "rule 'default' routed auto -> remote",
        status: status, error: error, latencyMs: 12, ttftMs: 3, usage: .init(promptTokens: 11, completionTokens: 7, source: "estimated"),
        costUSD: 0.0001, finishReason: "stop"
    )
    record.scores = .init(fit: 0.02, similarity: 0.1, complexity: 0.7, decidedBy: "both", micros: 30)
    record.attempts = [
        .init(backend: "local", outcome: "skipped", error: "circuit breaker open", latencyMs: 0),
        .init(backend: "remote", outcome: "failed", status: 503, error: "down", latencyMs: 4),
        .init(backend: "remote", outcome: "ok", status: 200, latencyMs: 6),
    ]
    return record
}

@Suite("Request traces: spans, attributes from the routing log record, propagation")
struct RequestTraceTests {
    let tracer = InMemoryTracer()
    var tracing: RequestTracing { RequestTracing(tracer: tracer, service: IdleService()) }

    @Test("the request span continues the client's trace; attempts are its children and carry the trace on")
    func parentage() throws {
        let trace = tracing.start(endpoint: "/v1/chat/completions", headers: ["in-memory-trace-id": "client-trace", "in-memory-span-id": "client-span"])
        trace.startAttempt(backend: "remote", model: "big-model", kind: "openai", url: "https://api.example.com:8443/v1")
        let outbound = Dictionary(trace.propagationHeaders().map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        trace.endAttempt(status: 503, error: "down")
        trace.startAttempt(backend: "remote", model: "big-model", kind: "openai", url: "http://10.0.0.2/v1")
        trace.finish(record())

        let spans = tracer.finishedSpans
        #expect(spans.count == 3)
        let server = try #require(spans.first { $0.kind == .server })
        let attempts = spans.filter { $0.kind == .client }
        #expect(server.traceID == "client-trace")
        #expect(server.parentSpanID == "client-span")
        #expect(server.operationName == "POST /v1/chat/completions")
        #expect(attempts.count == 2)
        for attempt in attempts {
            #expect(attempt.traceID == "client-trace")
            #expect(attempt.parentSpanID == server.spanID)
            #expect(attempt.operationName == "chat big-model")
        }
        // The backend is told the attempt's span, not the client's.
        #expect(outbound["in-memory-trace-id"] == "client-trace")
        #expect(outbound["in-memory-span-id"] == attempts[0].spanID)

        let first = attempts[0].attributes, second = attempts[1].attributes
        #expect(first.get("triage.attempt") == .int64(1) && second.get("triage.attempt") == .int64(2))
        #expect(first.get("http.response.status_code") == .int64(503))
        #expect(first.get("error.type") == .string("503"))
        #expect(attempts[0].status?.code == .error)
        #expect(first.get("server.address") == .string("api.example.com"))
        #expect(first.get("server.port") == .int64(8443))
        #expect(second.get("server.port") == .int64(80))
        #expect(first.get("gen_ai.provider.name") == .string("openai"))
        #expect(first.get("gen_ai.request.model") == .string("big-model"))
        // The attempt still open (a stream) ends with the record's outcome.
        #expect(second.get("http.response.status_code") == .int64(200))
        #expect(attempts[1].status == nil)
    }

    @Test("the request span's attributes come from the record: route, scores, attempts, tokens, cost")
    func attributes() throws {
        tracing.start(endpoint: "/v1/chat/completions", headers: [:]).finish(record())
        let span = try #require(tracer.finishedSpans.first)
        #expect(span.parentSpanID == nil)
        let attributes = span.attributes
        let expected: [String: SpanAttribute] = [
            "http.request.method": .string("POST"), "http.route": .string("/v1/chat/completions"),
            "http.response.status_code": .int64(200), "gen_ai.operation.name": .string("chat"),
            "gen_ai.request.model": .string("triage"), "gen_ai.response.model": .string("big-model"),
            "gen_ai.usage.input_tokens": .int64(11), "gen_ai.usage.output_tokens": .int64(7),
            "gen_ai.response.finish_reasons": .stringArray(["stop"]), "triage.usage.source": .string("estimated"),
            "triage.request_id": .string("tr-1"), "triage.backend": .string("remote"), "triage.rule": .string("default"),
            "triage.cost_usd": .double(0.0001), "triage.attempts": .int64(3), "triage.stream": .bool(true),
            "triage.score.fit": .double(0.02), "triage.score.complexity": .double(0.7), "triage.score.decided_by": .string("both"),
            "triage.ttft_ms": .double(3),
        ]
        for (key, value) in expected {
            #expect(attributes.get(key) == value, "\(key)")
        }
        #expect(span.status == nil)
        #expect(span.events.map(\.name) == ["backend skipped"])
        #expect(span.events.first?.attributes.get("triage.backend") == .string("local"))
    }

    @Test("a 5xx outcome marks the request span as an error; only the first finish counts")
    func failure() throws {
        let trace = tracing.start(endpoint: "/v1/messages", headers: [:])
        trace.finish(record(status: 502, error: "Backend 'remote' failed"))
        trace.finish(record())
        let spans = tracer.finishedSpans
        #expect(spans.count == 1)
        let span = try #require(spans.first)
        #expect(span.status?.code == .error)
        #expect(span.status?.message == "Backend 'remote' failed")
        #expect(span.attributes.get("error.type") == .string("502"))
    }

    @Test("the operation name follows the endpoint")
    func operations() {
        #expect(TraceAttributes.operation(endpoint: "/v1/chat/completions") == "chat")
        #expect(TraceAttributes.operation(endpoint: "/v1/messages") == "chat")
        #expect(TraceAttributes.operation(endpoint: "/v1/completions") == "text_completion")
        #expect(TraceAttributes.operation(endpoint: "/v1/embeddings") == "embeddings")
    }

    @Test("trace(...) makes the request's trace current for the operation only")
    func taskLocal() async {
        #expect(RequestTrace.current == nil)
        let seen = await tracing.trace(endpoint: "/v1/chat/completions", headers: [:]) { RequestTrace.current != nil }
        #expect(seen)
        #expect(RequestTrace.current == nil)
    }
}
