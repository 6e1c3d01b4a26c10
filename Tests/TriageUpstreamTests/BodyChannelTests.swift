import Testing

@testable import TriageUpstream

/// The body hand-over between the event-loop thread and the reading task.
@Suite struct BodyChannelTests {
    private static func channel() -> (CurlEventLoop, BodyChannel) {
        let loop = CurlEventLoop(maxConnectionsPerHost: 1, verifyTLS: true)
        return (loop, BodyChannel(control: loop.makeControl()))
    }

    @Test func aWholeAnswerIsReadWithoutWaitingAndAWaitingReaderIsWoken() async throws {
        let (loop, channel) = Self.channel()
        defer { loop.shutdown() }
        #expect(channel.send(Array("{\"ok\":".utf8), end: nil))
        #expect(channel.send(Array("true}".utf8), end: .completed))
        #expect(try await channel.next() == Array("{\"ok\":".utf8))
        #expect(try await channel.next() == Array("true}".utf8))
        #expect(try await channel.next() == nil)

        let (loop2, waiting) = Self.channel()
        defer { loop2.shutdown() }
        let reader = Task { () throws -> [[UInt8]] in
            var chunks: [[UInt8]] = []
            while let chunk = try await waiting.next() { chunks.append(chunk) }
            return chunks
        }
        try await Task.sleep(for: .milliseconds(20))  // the reader is (most likely) suspended now
        #expect(waiting.send(Array("a".utf8), end: nil))
        #expect(waiting.send(Array("b".utf8), end: nil))
        #expect(waiting.send([], end: .completed))
        #expect(try await Array(reader.value.joined()) == Array("ab".utf8))
    }

    @Test func aFailureIsThrownAfterTheBytesBeforeIt() async throws {
        let (loop, channel) = Self.channel()
        defer { loop.shutdown() }
        #expect(channel.send(Array("data: a\n\n".utf8), end: .failed(.transferFailed(url: "u", message: "reset"))))
        #expect(try await channel.next() == Array("data: a\n\n".utf8))
        await #expect(throws: UpstreamError.self) { _ = try await channel.next() }
    }

    @Test func cancellingAWaitingReaderThrowsCancelledAndAbortsTheTransfer() async throws {
        let (loop, channel) = Self.channel()
        defer { loop.shutdown() }
        let reader = Task { () throws -> [UInt8]? in try await channel.next() }
        try await Task.sleep(for: .milliseconds(20))
        reader.cancel()
        do {
            let chunk = try await reader.value
            Issue.record("expected .cancelled, got \(String(describing: chunk))")
        } catch let error as UpstreamError {
            guard case .cancelled = error else {
                Issue.record("expected .cancelled, got \(error)")
                return
            }
        }
        #expect(channel.control.isCancelRequested)
    }

    @Test func droppingTheLastBodyAbandonsItAndRefusesDeliveries() async throws {
        let (loop, channel) = Self.channel()
        defer { loop.shutdown() }
        _ = UpstreamBody(channel: channel, url: "u")  // never read, and gone
        #expect(channel.control.isCancelRequested)
        #expect(!channel.send(Array("late".utf8), end: nil))
    }
}
