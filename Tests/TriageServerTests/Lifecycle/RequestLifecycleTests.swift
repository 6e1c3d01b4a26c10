import Foundation
import Synchronization
import Testing
import TriageConfig
import TriageLog
import TriageUpstream
@testable import TriageServer

/// The request lifecycle without sockets: intake → decision → attempts → relay → outcome,
/// against an in-memory ``MemoryTransport`` and routing log.
@Suite("Request lifecycle")
struct RequestLifecycleTests {
    @Test("fallbacks are tried in chain order; the record lists every attempt")
    func fallbackOrder() async throws {
        let transport = MemoryTransport([
            "local": { _, _ in MemoryTransport.failure(503) },
            "remote": { _, _ in MemoryTransport.failure(502) },
            "spare": { _, _ in MemoryTransport.answer("from spare") },
        ])
        let harness = try LifecycleHarness(lifecycleRoutes(
            local: "fallback: remote\nretry: {max_attempts: 3}", remote: "fallback: spare"), transport: transport)
        let reply = await harness.run()
        #expect(reply.status == 200)
        #expect(reply.text?.contains("from spare") == true)
        #expect(transport.calls == ["local", "remote", "spare"])
        let record = try #require(await harness.log.record(reply.tags.id))
        #expect(record.backend == "spare")
        #expect(record.attempts?.map(\.backend) == ["local", "remote", "spare"])
        #expect(record.attempts?.map(\.outcome) == ["failed", "failed", "ok"])
        #expect(record.reason.contains("answered by 'spare' after 2 failed or skipped attempt(s)"))
    }

    @Test("when every attempt fails, the error's record and tags say where the request went and list each attempt")
    func everyAttemptFails() async throws {
        let transport = MemoryTransport(["local": { _, _ in MemoryTransport.failure(500) }, "remote": { _, _ in MemoryTransport.failure(503) }])
        let harness = try LifecycleHarness(lifecycleRoutes(local: "fallback: remote"), transport: transport)
        let reply = await harness.run()
        #expect(reply.status == 502)
        #expect(reply.tags.backend == "remote")
        let record = try #require(await harness.log.record(reply.tags.id))
        #expect(record.attempts?.map(\.backend) == ["local", "remote"])
        #expect(record.attempts?.map(\.outcome) == ["failed", "failed"])
        #expect(record.status == 502 && record.backend == "remote")
    }

    @Test("retries stay on the backend without a fallback, only for retryable statuses")
    func retries() async throws {
        let transport = MemoryTransport([
            "local": { _, index in index < 2 ? MemoryTransport.failure(503) : MemoryTransport.answer("third time") },
        ])
        let harness = try LifecycleHarness(lifecycleRoutes(local: "retry: {max_attempts: 3}"), transport: transport)
        let reply = await harness.run()
        #expect(reply.status == 200)
        #expect(transport.calls == ["local", "local", "local"])

        let refusing = MemoryTransport(["local": { _, _ in MemoryTransport.failure(400) }])
        let once = try LifecycleHarness(lifecycleRoutes(local: "retry: {max_attempts: 3}"), transport: refusing)
        let refused = await once.run()
        #expect(refused.status == 400)
        #expect(refusing.calls == ["local"])
    }

    @Test("the breaker opens after its failures, skips the backend, lets one probe through after the cool-down, and closes")
    func breaker() async throws {
        let transport = MemoryTransport([
            "local": { _, index in index < 2 ? MemoryTransport.failure(503) : MemoryTransport.answer("back") },
        ])
        let harness = try LifecycleHarness(lifecycleRoutes(local: "breaker: {failures: 2, cooldown: 0.2}"), transport: transport)
        for _ in 0..<2 { #expect(await harness.run().status == 502) }
        #expect(harness.lifecycle.health.status(of: "local").breaker == .open)

        let skipped = await harness.run()
        #expect(skipped.status == 503)
        #expect(skipped.error?.code == .backendUnavailable)
        #expect(transport.calls.count == 2, "an open breaker sends nothing")

        try await Task.sleep(for: .milliseconds(250))
        #expect(harness.lifecycle.health.status(of: "local").breaker == .halfOpen)
        #expect(await harness.run().status == 200, "the probe")
        #expect(harness.lifecycle.health.status(of: "local").breaker == .closed)
        #expect(await harness.run().status == 200)
        #expect(transport.calls.count == 4)
    }

    @Test("the request deadline spans all attempts: a retry gets what is left, none starts after it")
    func deadlineAcrossAttempts() async throws {
        // Each try takes 400 ms of a 1 s deadline with up to 5 tries allowed: at most three can
        // start in time. What is checked holds however late the scheduler runs a try (a loaded
        // machine once made the second try miss the deadline altogether): every try starts
        // before the deadline and is given at most what is left of it.
        let clock = ContinuousClock()
        let start = clock.now
        let started = Mutex<[Double]>([])
        let transport = MemoryTransport([
            "local": { _, _ in
                let elapsed = start.duration(to: clock.now)
                started.withLock { $0.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18) }
                try await Task.sleep(for: .milliseconds(400))
                return MemoryTransport.failure(503)
            },
        ])
        let harness = try LifecycleHarness(
            lifecycleRoutes(local: "retry: {max_attempts: 5}", extra: "limits: {request_timeout: 1.0}"), transport: transport)
        let reply = await harness.run()
        #expect(reply.status == 502)
        let requests = transport.requests
        let starts = started.withLock { $0 }
        #expect(!requests.isEmpty && requests.count == starts.count)
        #expect(requests.count <= 3, "a try started after the deadline: \(starts)")
        for (request, at) in zip(requests, starts) {
            #expect(at < 1.0, "a try started after the deadline: \(starts)")
            #expect(request.timeouts.total <= 1.0 - at + 0.02, "a try got more than what was left: \(request.timeouts.total) at \(at) s")
        }
    }

    @Test("max_concurrent: a full backend is skipped for its fallback, or answered 429 without one")
    func maxConcurrent() async throws {
        let transport = MemoryTransport([
            "local": { request, index in
                index == 0 ? MemoryTransport.hangingStream(until: request.cancellation) : MemoryTransport.answer("local again")
            },
            "remote": { _, _ in MemoryTransport.answer("from remote") },
        ])
        let harness = try LifecycleHarness(lifecycleRoutes(local: "max_concurrent: 1\nfallback: remote"), transport: transport)
        let hangUp = ClientHangUp()
        let held = await harness.run(stream: true, hangUp: hangUp)
        #expect(held.status == 200)
        #expect(harness.lifecycle.health.status(of: "local").inFlight == 1)

        let second = await harness.run()
        #expect(second.text?.contains("from remote") == true)
        let record = try #require(await harness.log.record(second.tags.id))
        #expect(record.attempts?.first?.error == "max_concurrent reached")

        let busy = MemoryTransport(["local": { request, _ in MemoryTransport.hangingStream(until: request.cancellation) }])
        let alone = try LifecycleHarness(lifecycleRoutes(local: "max_concurrent: 1"), transport: busy)
        let hangUpAlone = ClientHangUp()
        let first = await alone.run(stream: true, hangUp: hangUpAlone)
        #expect(await alone.run().error?.code == .backendSaturated)
        hangUpAlone.clientGone()
        _ = await alone.relay(first)

        hangUp.clientGone()
        let relayed = try #require(await harness.relay(held))
        #expect(relayed.outcome.clientGone)
        #expect(harness.lifecycle.health.status(of: "local").inFlight == 0)
        #expect(await harness.run().text?.contains("local again") == true)
    }

    @Test("shadow sampling: rate 1 sends a copy and writes the record with both answers; rate 0 sends none")
    func shadowSampling() async throws {
        let transport = MemoryTransport([
            "local": { _, _ in MemoryTransport.answer("paris is the capital") },
            "remote": { _, _ in MemoryTransport.answer("paris is the capital") },
        ])
        let sampled = try LifecycleHarness(lifecycleRoutes(extra: "shadow: {rate: 1, backend: remote}"), transport: transport)
        let reply = await sampled.run()
        #expect(reply.status == 200)
        let record = try #require(await sampled.log.record(reply.tags.id))
        #expect(record.shadow?.backend == "remote")
        #expect(record.shadow?.agreement == 1)
        #expect(transport.calls == ["local", "remote"])

        let quiet = MemoryTransport(["local": { _, _ in MemoryTransport.answer("x") }, "remote": { _, _ in MemoryTransport.answer("y") }])
        let unsampled = try LifecycleHarness(lifecycleRoutes(extra: "shadow: {rate: 0, backend: remote}"), transport: quiet)
        let plain = await unsampled.run()
        #expect(unsampled.log.records.first?.id == plain.tags.id, "written before the answer")
        #expect(unsampled.log.records.first?.shadow == nil)
        #expect(quiet.calls == ["local"])
    }

    @Test("a stream that fails before its first byte goes to the fallback")
    func streamFailsBeforeFirstByte() async throws {
        let transport = MemoryTransport(["remote": { _, _ in MemoryTransport.stream(["hi", "there"]) }])
        let harness = try LifecycleHarness(lifecycleRoutes(local: "fallback: remote"), transport: transport)
        let reply = await harness.run(stream: true)
        let relayed = try #require(await harness.relay(reply))
        #expect(relayed.text.contains("there") && relayed.text.contains("[DONE]"))
        #expect(transport.calls == ["local", "remote"])
        let record = try #require(await harness.log.record(reply.tags.id))
        #expect(record.backend == "remote")
        #expect(record.error == nil)
        #expect(record.response == "hithere")
    }

    @Test("a stream that fails after its first byte ends with an error event, never another backend's answer")
    func streamFailsAfterFirstByte() async throws {
        let transport = MemoryTransport([
            "local": { _, _ in MemoryTransport.stream(["partial", "lost"], failAfter: 1) },
            "remote": { _, _ in MemoryTransport.stream(["other"]) },
        ])
        let harness = try LifecycleHarness(lifecycleRoutes(local: "fallback: remote"), transport: transport)
        let reply = await harness.run(stream: true)
        let relayed = try #require(await harness.relay(reply))
        #expect(relayed.text.contains("partial"))
        #expect(!relayed.text.contains("other") && !relayed.text.contains("[DONE]"))
        #expect(relayed.text.contains("error"))
        #expect(transport.calls == ["local"])
        let record = try #require(await harness.log.record(reply.tags.id))
        #expect(record.error?.hasPrefix("stream interrupted") == true)
        #expect(harness.lifecycle.health.status(of: "local").consecutiveFailures == 1)
    }

    @Test("a client that goes away: the wait is aborted (499, the backend not blamed); mid-stream the relay stops")
    func clientGoesAway() async throws {
        let transport = MemoryTransport([
            "local": { request, index in
                index == 0 ? try await MemoryTransport.waitForCancellation(request) : MemoryTransport.stream(["a", "b", "c"])
            },
        ])
        let harness = try LifecycleHarness(lifecycleRoutes(local: "breaker: {failures: 1, cooldown: 60}"), transport: transport)
        let hangUp = ClientHangUp()
        Task {
            try await Task.sleep(for: .milliseconds(20))
            hangUp.clientGone()
        }
        let reply = await harness.run(hangUp: hangUp)
        #expect(reply.status == 499)
        #expect(reply.error?.code == .clientClosedRequest)
        let status = harness.lifecycle.health.status(of: "local")
        #expect(status.inFlight == 0 && status.breaker == .closed)

        let stream = await harness.run(stream: true)
        let relayed = try #require(await harness.relay(stream, clientLeavesAfter: 0))
        #expect(relayed.outcome.clientGone)
        let record = try #require(await harness.log.record(stream.tags.id))
        #expect(record.error?.hasPrefix("client disconnected") == true)
        #expect(harness.lifecycle.health.status(of: "local").inFlight == 0)
    }
}
