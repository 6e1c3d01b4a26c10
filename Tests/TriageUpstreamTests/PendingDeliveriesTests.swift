import CCurl
import Testing

@testable import TriageUpstream

/// What curl delivers in one loop turn (head, many small body pieces, the end) reaches the
/// consumer together: body bytes as one chunk, before the head, so the consumer is woken once.
@Suite struct PendingDeliveriesTests {
    /// A context on a real (never started) easy handle, with its body channel.
    private struct Fixture {
        let loop = CurlEventLoop(maxConnectionsPerHost: 1, verifyTLS: true)
        let deliveries = PendingDeliveries()
        let handle: EasyHandle
        let control: TransferControl
        let channel: BodyChannel

        init() throws {
            handle = try #require(EasyHandle())
            control = loop.makeControl()
            channel = BodyChannel(control: control)
        }

        func context(head: UnsafeContinuation<ResponseHead, any Error>) -> TransferContext {
            let start = TransferStart(
                request: UpstreamRequest(url: "http://127.0.0.1:1/x", method: "GET"),
                control: control, sink: .stream(head: head, body: channel))
            return TransferContext(start: start, handle: handle, id: 1, deliveries: deliveries)
        }

        func finish() {
            loop.shutdown()
        }

        /// Reads the body to its end: the chunks as text, and the error it ended with.
        func drain() async -> (chunks: [String], error: (any Error)?) {
            var chunks: [String] = []
            do {
                for try await chunk in UpstreamBody(channel: channel, url: "http://127.0.0.1:1/x") {
                    chunks.append(String(decoding: chunk, as: UTF8.self))
                }
            } catch {
                return (chunks, error)
            }
            return (chunks, nil)
        }
    }

    private static func header(_ context: TransferContext, _ lines: String...) {
        for line in lines {
            Array(line.utf8).withUnsafeBytes { context.receiveHeaderLine($0) }
        }
    }

    private static func body(_ context: TransferContext, _ text: String) -> Int? {
        Array(text.utf8).withUnsafeBytes { context.receiveBody($0) }
    }

    @Test func oneTurnIsOneChunkAndTheHeadComesAfterTheBody() async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        var delivered: TransferContext?
        let head = try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<ResponseHead, any Error>) in
            let context = fixture.context(head: continuation)
            delivered = context
            Self.header(context, "HTTP/1.1 200 OK\r\n", "Content-Type: text/event-stream\r\n", "\r\n")
            for event in ["data: a\n\n", "data: b\n\n", "data: c\n\n"] {
                #expect(Self.body(context, event) == event.utf8.count)
            }
            #expect(!context.headDelivered)  // nothing handed over inside the turn
            #expect(fixture.deliveries.deliverAll().isEmpty)
            #expect(context.headDelivered)
        }
        #expect(head.status == 200)
        // A later turn: its bytes are a chunk of their own, then the end.
        let context = try #require(delivered)
        #expect(Self.body(context, "data: [DONE]\n\n") == 14)
        context.complete()
        let (chunks, error) = await fixture.drain()
        #expect(error == nil)
        #expect(chunks == ["data: a\n\ndata: b\n\ndata: c\n\n", "data: [DONE]\n\n"])
    }

    @Test func bytesBeforeAFailureStillReachTheConsumer() async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        var delivered: TransferContext?
        _ = try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<ResponseHead, any Error>) in
            let context = fixture.context(head: continuation)
            delivered = context
            Self.header(context, "HTTP/1.1 200 OK\r\n", "\r\n")
            _ = Self.body(context, "data: a\n\n")
            _ = fixture.deliveries.deliverAll()
        }
        let context = try #require(delivered)
        _ = Self.body(context, "data: b\n\n")
        context.fail(.cancelled)
        let (chunks, failure) = await fixture.drain()
        #expect(failure.map { "\($0)" } == "\(UpstreamError.cancelled)")
        #expect(chunks == ["data: a\n\n", "data: b\n\n"])
    }

    @Test func aFailureInTheTurnTheHeadArrivedStillReturnsTheResponse() async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        // Head, one event, then the connection breaks, all within one turn: the response
        // started (execute returns it), and the body throws after the event.
        let head = try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<ResponseHead, any Error>) in
            let context = fixture.context(head: continuation)
            Self.header(context, "HTTP/1.1 200 OK\r\n", "\r\n")
            _ = Self.body(context, "data: a\n\n")
            context.fail(.transferFailed(url: "http://127.0.0.1:1/x", message: "reset"))
        }
        #expect(head.status == 200)
        let (chunks, error) = await fixture.drain()
        #expect(error != nil)
        #expect(chunks == ["data: a\n\n"])
    }

    @Test func aFailureBeforeTheHeadEndedIsThrownByExecute() async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        var thrown = false
        do {
            _ = try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<ResponseHead, any Error>) in
                let context = fixture.context(head: continuation)
                Self.header(context, "HTTP/1.1 200 OK\r\n", "Content-Type: text/plain\r\n")  // no blank line
                context.fail(.cancelled)
            }
        } catch {
            thrown = true
        }
        #expect(thrown)
    }

    @Test func aSmallAnswerCompletedInOneTurnIsWaitingWhole() async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        let head = try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<ResponseHead, any Error>) in
            let context = fixture.context(head: continuation)
            Self.header(context, "HTTP/1.1 201 Created\r\n", "\r\n")
            _ = Self.body(context, #"{"ok":"#)
            _ = Self.body(context, "true}")
            context.complete()  // completion in the same turn: body and end first, then the head
            #expect(context.headDelivered)
            #expect(fixture.deliveries.deliverAll().isEmpty)  // already handed over: nothing twice
        }
        #expect(head.status == 201)
        let (chunks, error) = await fixture.drain()
        #expect(error == nil)
        #expect(chunks == [#"{"ok":true}"#])
    }

    @Test func aConsumerThatWentAwayIsReportedForAbort() async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        fixture.channel.abandon()  // the consumer side is gone: deliveries are refused
        var delivered: TransferContext?
        _ = try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<ResponseHead, any Error>) in
            let context = fixture.context(head: continuation)
            delivered = context
            Self.header(context, "HTTP/1.1 200 OK\r\n", "\r\n")
            _ = Self.body(context, "data: a\n\n")
            let abandoned = fixture.deliveries.deliverAll()
            #expect(abandoned.count == 1 && abandoned.first === context)
        }
        let context = try #require(delivered)
        #expect(context.abandonedByConsumer)
        #expect(Self.body(context, "data: b\n\n") == 0)  // curl is told to abort
    }
}
