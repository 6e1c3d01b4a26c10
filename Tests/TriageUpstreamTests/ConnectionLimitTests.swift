import Foundation
import Testing

@testable import TriageUpstream

/// `ConnectionLimit`: requests beyond the limit wait before curl, and the wait is not counted
/// against their connect or total timeouts; a wait past `queueTimeout` is its own error.
@Suite struct ConnectionLimitTests {
    @Test func queuedRequestsKeepTheirWholeTimeouts() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let limit = ConnectionLimit(key: "local", maxConnections: 2, queueTimeout: 30)
            // 8 requests of 0.4 s through 2 connections take ~1.6 s, longer than each one's
            // 1 s total timeout: they only pass if the wait for a slot is not part of it.
            let requests = (0..<8).map { index in
                var request = chatRequest(
                    upstream, "n\(index) [[delay:0.4]]", timeouts: UpstreamTimeouts(connect: 0.5, total: 1, idle: 1))
                request.connectionLimit = limit
                return request
            }
            let replies = try await withTimeout(20) {
                try await withThrowingTaskGroup(of: String?.self) { group in
                    for request in requests {
                        group.addTask {
                            let response = try await client.execute(request)
                            return try replyText(try await response.body.collect(upTo: 1 << 20))
                        }
                    }
                    var replies: [String?] = []
                    for try await reply in group { replies.append(reply) }
                    return replies
                }
            }
            #expect(replies.count == 8 && replies.allSatisfy { $0?.hasPrefix("local says: n") == true })
            #expect(client.runningTransfers(key: "local") == 0, "every slot is given back")
            let ports = Set(try await chatRequestLog(client, upstream).compactMap { $0["client_port"] as? Int })
            #expect(ports.count <= 2, "max 2 connections but saw \(ports.count)")
        }
    }

    @Test func aWaitPastTheQueueTimeoutIsConnectionsBusy() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let limit = ConnectionLimit(key: "local", maxConnections: 1, queueTimeout: 0.3)
            // A stream held open (its last chunk waits for the gate) keeps the only slot.
            var held = chatRequest(upstream, "a b c [[gate:hold-1]]", stream: true)
            held.connectionLimit = limit
            let first = try await client.execute(held)
            var queued = chatRequest(upstream, "second")
            queued.connectionLimit = limit
            do {
                _ = try await client.execute(queued)
                Issue.record("expected .connectionsBusy")
            } catch {
                guard case .connectionsBusy(_, let max, let seconds) = error as? UpstreamError else {
                    Issue.record("expected .connectionsBusy, got \(error)")
                    return
                }
                #expect(max == 1 && seconds == 0.3)
                #expect((error as? UpstreamError)?.isTimeout == false)
            }
            let release = try await client.execute(UpstreamRequest(url: upstream.url("/release/hold-1"), method: "GET"))
            _ = try await release.body.collect(upTo: 1024)
            _ = try await first.body.collect(upTo: 1 << 20)
            // The slot is free again.
            let third = try await client.execute(queued)
            #expect(third.status == 200)
            _ = try await third.body.collect(upTo: 1 << 20)
        }
    }

    @Test func cancellingAQueuedRequestEndsItsWaitAtOnce() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let limit = ConnectionLimit(key: "local", maxConnections: 1, queueTimeout: 30)
            var held = chatRequest(upstream, "a b c [[gate:hold-2]]", stream: true)
            held.connectionLimit = limit
            let first = try await client.execute(held)
            let cancellation = UpstreamCancellation()
            var queued = chatRequest(upstream, "queued-and-abandoned")
            queued.connectionLimit = limit
            queued.cancellation = cancellation
            let request = queued
            let waiting = Task { try await client.execute(request) }
            try await Task.sleep(for: .milliseconds(300))
            let cancelled = ContinuousClock.now
            cancellation.cancel()
            let result = await waiting.result
            // The slot frees only when the gate opens (30 s at the soonest), so 20 s tells the two
            // apart with room for a starved concurrency pool in a full run (2 s once took 2.25 s).
            #expect(ContinuousClock.now - cancelled < .seconds(20), "the wait ends when the request is cancelled, not when a slot frees")
            guard case .failure(let error) = result, case .cancelled? = error as? UpstreamError else {
                Issue.record("expected .cancelled, got \(result)")
                return
            }
            let release = try await client.execute(UpstreamRequest(url: upstream.url("/release/hold-2"), method: "GET"))
            _ = try await release.body.collect(upTo: 1024)
            _ = try await first.body.collect(upTo: 1 << 20)
            #expect(client.runningTransfers(key: "local") == 0)
            let prompts = try await chatRequestLog(client, upstream).map { "\($0["body"] ?? "")" }
            #expect(!prompts.contains { $0.contains("queued-and-abandoned") }, "the abandoned request never reached the upstream")
        }
    }
}
