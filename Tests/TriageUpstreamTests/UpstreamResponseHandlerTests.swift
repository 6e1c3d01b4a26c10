import Foundation
import Synchronization
import Testing

@testable import TriageUpstream

/// `UpstreamClient.start(_:handler:)`: the response handed to a handler on the client's thread.
@Suite struct UpstreamResponseHandlerTests {
    /// Collects deliveries; `finished` returns once one with an `end` arrived.
    final class Collector: UpstreamResponseHandler {
        private let deliveries = Mutex<[UpstreamDelivery]>([])
        private let (ended, endedContinuation) = AsyncStream<Void>.makeStream()

        func receive(_ delivery: UpstreamDelivery) {
            deliveries.withLock { $0.append(delivery) }
            if delivery.end != nil { endedContinuation.yield() }
        }

        func finished() async -> [UpstreamDelivery] {
            for await _ in ended { break }
            return deliveries.withLock { $0 }
        }
    }

    @Test func aJSONAnswerArrivesWithItsHeadFirstAndEndsCompleted() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let collector = Collector()
            client.start(chatRequest(upstream, "hello world"), handler: collector)
            let deliveries = try await withTimeout(10) { await collector.finished() }
            #expect(deliveries.first?.head?.status == 200)
            #expect(deliveries.dropFirst().allSatisfy { $0.head == nil })
            #expect(deliveries.dropLast().allSatisfy { $0.end == nil })
            guard case .completed = deliveries.last?.end else {
                Issue.record("the last delivery does not complete the transfer: \(String(describing: deliveries.last?.end))")
                return
            }
            #expect(try replyText(deliveries.flatMap(\.body)) == "local says: hello world")
        }
    }

    @Test func aStreamArrivesWhole() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let collector = Collector()
            client.start(chatRequest(upstream, "one two three", stream: true), handler: collector)
            let deliveries = try await withTimeout(10) { await collector.finished() }
            let text = String(decoding: deliveries.flatMap(\.body), as: UTF8.self)
            #expect(deliveries.first?.head?.headers.contains { $0.name.lowercased() == "content-type" && $0.value == "text/event-stream" } == true)
            #expect(text.hasPrefix("data: {"))
            #expect(text.hasSuffix("data: [DONE]\n\n"))
        }
    }

    @Test func aRefusedConnectionEndsWithAFailureAndNoHead() async throws {
        try await withRefusingPort { port in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let collector = Collector()
            client.start(UpstreamRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions"), handler: collector)
            let deliveries = try await withTimeout(10) { await collector.finished() }
            #expect(deliveries.count == 1)
            #expect(deliveries.first?.head == nil)
            guard case .failed(.connectFailed) = deliveries.first?.end else {
                Issue.record("expected connectFailed, got \(String(describing: deliveries.first?.end))")
                return
            }
        }
    }

    @Test func anInvalidURLFailsAtOnce() async throws {
        let client = UpstreamClient()
        defer { client.shutdown() }
        let collector = Collector()
        client.start(UpstreamRequest(url: "ftp://example.com/x"), handler: collector)
        let deliveries = try await withTimeout(10) { await collector.finished() }
        guard case .failed(.invalidURL) = deliveries.first?.end else {
            Issue.record("expected invalidURL, got \(String(describing: deliveries.first?.end))")
            return
        }
    }

    @Test func cancellingAStartedTransferEndsIt() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let collector = Collector()
            // The gate is never released: only the cancel can end this transfer.
            let transfer = client.start(chatRequest(upstream, "one two [[gate:never]]", stream: true), handler: collector)
            transfer.cancel()
            let deliveries = try await withTimeout(10) { await collector.finished() }
            guard case .failed(.cancelled) = deliveries.last?.end else {
                Issue.record("expected cancelled, got \(String(describing: deliveries.last?.end))")
                return
            }
        }
    }
}
