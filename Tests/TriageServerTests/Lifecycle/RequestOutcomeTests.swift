import Foundation
import Testing
import TriageConfig
import TriageFlywheel
import TriageJSON
import TriageLog
import TriageRouting
@testable import TriageServer

/// The routes of the outcome tests: `local` priced, `log.redact: [email]` with `redact`.
private func outcomeRoutes(redact: Bool = false, extra: String = "") -> String {
    lifecycleRoutes(
        local: "price: {input_per_million: 1.5, output_per_million: 4}",
        extra: (redact ? "log: {redact: [email]}\n" : "") + extra)
}

private func active(_ yaml: String) throws -> ActiveRoutes {
    try ActiveRoutes(config: ConfigLoader.parse(yaml: yaml, sourceName: "outcome.yaml"), environment: [:])
}

/// The facts of an answered chat request, as the request path gathers them.
private func answeredFacts(response: String, messages: JSONValue? = nil) -> RoutingLogRecord {
    var facts = RoutingLogRecord(
        id: "req-outcome-1", timestamp: "", endpoint: "/v1/chat/completions", clientModel: "triage", stream: false,
        backend: "local", upstreamModel: "small", rule: "default", reason: "rule 'default' matched", status: 200, latencyMs: 0)
    facts.messages = messages ?? .array([.object(["role": .string("user"), "content": .string("hello there")])])
    facts.response = response
    facts.finishReason = "stop"
    return facts
}

/// Whether `timestamp` is the writer's format of a moment between `from` and `to` (to the millisecond).
private func isTimestamp(_ timestamp: String, between from: Date, and to: Date) -> Bool {
    guard let date = LogTimestamp.parse(timestamp), timestamp == RoutingLogRecord.timestamp(date) else { return false }
    return date.timeIntervalSince(from) >= -0.001 && to.timeIntervalSince(date) >= -0.001
}

@Suite("Request outcome: facts on the request path, the record rendered on the log's writer thread")
struct RequestOutcomeTests {
    @Test("a reported usage: the rendered record is the one the request path used to build, byte for byte")
    func reportedUsageRendersTheSameRecord() throws {
        let active = try active(outcomeRoutes())
        let pricing = try #require(active.config.backend(named: "local")).pricing
        let started = ContinuousClock.now
        let endedAt = Date(timeIntervalSince1970: 1_800_000_000.750)
        let outcome = RequestOutcome(
            facts: answeredFacts(response: "general kenobi"), started: started, firstByte: started + .milliseconds(20),
            usage: .reported(prompt: 12, completion: 5), pricing: pricing, active: active,
            ended: started + .microseconds(1_234_567), endedAt: endedAt)

        // What `RequestLifecycle.complete` and `RequestRecorder.record` made on the request path before.
        var expected = answeredFacts(response: "general kenobi")
        expected.timestamp = RoutingLogRecord.timestamp(Date(timeIntervalSince1970: 1_800_000_000.750 - 1.234567))
        expected.latencyMs = 1234.567
        expected.ttftMs = 20
        expected.usage = .init(promptTokens: 12, completionTokens: 5, source: "upstream")
        expected.costUSD = pricing.cost(inputTokens: 12, outputTokens: 5)
        expected.replica = ReplicaName.current
        let rendered = outcome.rendered()
        #expect(rendered == expected)
        #expect(rendered.jsonLine() == expected.jsonLine())
        #expect(rendered.timestamp.hasSuffix(".515Z") || rendered.timestamp.hasSuffix(".516Z"), "750 ms - 234.567 ms: \(rendered.timestamp)")
        #expect(outcome.estimatedSize >= 512 + "general kenobi".utf8.count)
    }

    @Test("no usage from the backend: prompt and answer estimated on rendering, an empty answer as 0 tokens")
    func estimatedUsage() throws {
        let active = try active(outcomeRoutes())
        let pricing = try #require(active.config.backend(named: "local")).pricing
        let texts = ["You are terse.", "hello there, how are you today?"]
        let started = ContinuousClock.now
        var outcome = RequestOutcome(
            facts: answeredFacts(response: "fine thanks"), started: started,
            usage: .estimated(promptTexts: texts, answer: "fine thanks"), pricing: pricing, active: active)
        let prompt = TokenEstimator.estimate(messages: texts)
        let completion = TokenEstimator.estimate("fine thanks")
        #expect(outcome.rendered().usage == .init(promptTokens: prompt, completionTokens: completion, source: "estimated"))
        #expect(outcome.rendered().costUSD == pricing.cost(inputTokens: prompt, outputTokens: completion))
        #expect(outcome.rendered().ttftMs == nil)
        outcome.usage = .estimated(promptTexts: texts, answer: "")
        #expect(outcome.rendered().usage?.completionTokens == 0)
    }

    @Test("log.redact is applied on rendering, exactly as the request path applied it")
    func redactedOnRendering() throws {
        let active = try active(outcomeRoutes(redact: true))
        let email = "alice@example.com"
        let messages: JSONValue = .array([.object(["role": .string("user"), "content": .string("please mail \(email)")])])
        let started = ContinuousClock.now
        var facts = answeredFacts(response: "I wrote to \(email)", messages: messages)
        facts.error = "upstream said \(email)"
        let outcome = RequestOutcome(facts: facts, started: started, active: active, ended: started + .milliseconds(5))
        let rendered = outcome.rendered()

        var unredacted = facts
        unredacted.timestamp = rendered.timestamp
        unredacted.latencyMs = 5
        var expected = unredacted
        RequestLifecycle.redactForLog(&expected, active: active)
        expected.replica = ReplicaName.current
        #expect(rendered == expected)
        #expect(rendered.privacy?.redacted == ["email"])
        #expect(!String(decoding: rendered.jsonLine(), as: UTF8.self).contains(email))
        #expect(outcome.facts.response?.contains(email) == true, "the facts stay unredacted until rendered")
    }

    @Test("a whole answer through the lifecycle: timestamp, latency, usage, cost and replica rendered")
    func jsonAnswerThroughLifecycle() async throws {
        let transport = MemoryTransport(["local": { _, _ in MemoryTransport.answer("hi back") }])
        let harness = try LifecycleHarness(outcomeRoutes(), transport: transport)
        let before = Date()
        let reply = await harness.run("hello")
        let after = Date()
        #expect(reply.status == 200)
        let record = try #require(await harness.log.record(reply.tags.id))
        #expect(isTimestamp(record.timestamp, between: before, and: after), "\(record.timestamp) not in [\(before), \(after)]")
        #expect(record.latencyMs > 0 && record.latencyMs <= after.timeIntervalSince(before) * 1000 + 1)
        #expect(record.usage == .init(promptTokens: 3, completionTokens: 2, source: "upstream"))
        #expect(record.costUSD == BackendPricing(inputPerMillion: 1.5, outputPerMillion: 4).cost(inputTokens: 3, outputTokens: 2))
        #expect(record.response == "hi back" && record.finishReason == "stop" && record.ttftMs == nil)
        #expect(record.replica == ReplicaName.current)
    }

    @Test("a stream through the lifecycle: time to first byte, the answer reassembled, usage estimated")
    func streamThroughLifecycle() async throws {
        let transport = MemoryTransport(["local": { _, _ in MemoryTransport.stream(["one ", "two ", "three"]) }])
        let harness = try LifecycleHarness(outcomeRoutes(), transport: transport)
        let before = Date()
        let reply = await harness.run("count to three", stream: true)
        let relayed = try #require(await harness.relay(reply))
        let after = Date()
        #expect(relayed.outcome.mayAnswer)
        let record = try #require(await harness.log.record(reply.tags.id))
        #expect(isTimestamp(record.timestamp, between: before, and: after))
        #expect(record.response == "one two three")
        #expect(record.stream)
        let ttft = try #require(record.ttftMs)
        #expect(ttft >= 0 && ttft <= record.latencyMs)
        let usage = try #require(record.usage)
        #expect(usage.source == "estimated")
        #expect(usage.completionTokens == TokenEstimator.estimate("one two three"))
        #expect(usage.promptTokens == TokenEstimator.estimate(messages: ["count to three"]))
    }

    @Test("an error: status, redacted message and timestamp rendered; no usage or cost")
    func errorThroughLifecycle() async throws {
        let transport = MemoryTransport(["local": { _, _ in MemoryTransport.failure(500) }])
        let harness = try LifecycleHarness(outcomeRoutes(), transport: transport)
        let before = Date()
        let reply = await harness.run()
        let after = Date()
        #expect(reply.status == 502)
        let record = try #require(await harness.log.record(reply.tags.id))
        #expect(isTimestamp(record.timestamp, between: before, and: after))
        #expect(record.status == 502 && record.error != nil)
        #expect(record.usage == nil && record.costUSD == nil && record.response == nil)
        #expect(record.latencyMs > 0)
    }

    @Test("a record held for its shadow copy keeps the answer's latency and timestamp, rendered when the copy ends")
    func shadowHeldOutcome() async throws {
        let transport = MemoryTransport([
            "local": { _, _ in MemoryTransport.answer("local answer") },
            "remote": { _, _ in
                try await Task.sleep(for: .milliseconds(400))
                return MemoryTransport.answer("remote answer")
            },
        ])
        let harness = try LifecycleHarness(outcomeRoutes(extra: "shadow: {rate: 1, backend: remote}"), transport: transport)
        let before = Date()
        let reply = await harness.run()
        let answered = Date()
        #expect(reply.status == 200)
        let record = try #require(await harness.log.record(reply.tags.id))
        #expect(record.shadow?.backend == "remote" && record.shadow?.response == "remote answer")
        #expect(isTimestamp(record.timestamp, between: before, and: answered), "the request's arrival, not the copy's end")
        #expect(record.latencyMs <= answered.timeIntervalSince(before) * 1000 + 1, "the answer's latency, without the copy's 400 ms")
        #expect(record.usage?.source == "upstream" && record.costUSD != nil)
    }
}
