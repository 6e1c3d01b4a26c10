import CCurl
import Glibc
import Testing

@testable import TriageUpstream

/// The request body is handed to curl through the read callback and can be rewound by the
/// seek callback (curl resends a body on a fresh connection when a reused one died).
@Suite struct RequestBodyReadTests {
    @Test func readsInPiecesAndRewinds() async throws {
        let body = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let loop = CurlEventLoop(maxConnectionsPerHost: 1, verifyTLS: true)
        let handle = try #require(EasyHandle())
        let control = loop.makeControl()
        let channel = BodyChannel(control: control)
        await #expect(throws: UpstreamError.self) {
        _ = try await withUnsafeThrowingContinuation { (head: UnsafeContinuation<ResponseHead, any Error>) in
            let start = TransferStart(
                request: UpstreamRequest(url: "http://127.0.0.1:1/x", method: "POST", body: body),
                control: control, sink: .stream(head: head, body: channel))
            let context = TransferContext(start: start, handle: handle, id: 1, deliveries: PendingDeliveries())
            var sent: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 16_384)
            func readAll() {
                while true {
                    let count = buffer.withUnsafeMutableBytes { context.readBody(into: $0) }
                    if count == 0 { break }
                    sent += buffer[0..<count]
                }
            }
            readAll()
            #expect(sent == body)
            // Rewind from the start, from the current position and from the end; reject out-of-range seeks.
            #expect(context.seekBody(to: 0, origin: SEEK_SET))
            sent = []
            readAll()
            #expect(sent == body)
            #expect(context.seekBody(to: -10, origin: SEEK_END))
            sent = []
            readAll()
            #expect(sent == Array(body.suffix(10)))
            #expect(!context.seekBody(to: 1, origin: SEEK_END))
            #expect(!context.seekBody(to: -1, origin: SEEK_SET))
            #expect(context.seekBody(to: 500, origin: SEEK_SET) && context.seekBody(to: 5, origin: SEEK_CUR))
            sent = []
            readAll()
            #expect(sent == Array(body[505...]))
            head.resume(throwing: UpstreamError.cancelled)
        }
        }
        loop.shutdown()
    }
}

/// Response head parsing from curl's header callback, line by line.
@Suite struct ResponseHeadParsingTests {
    @Test func statusHeadersFoldingAndInterimResponses() async throws {
        let loop = CurlEventLoop(maxConnectionsPerHost: 1, verifyTLS: true)
        let handle = try #require(EasyHandle())
        let control = loop.makeControl()
        let channel = BodyChannel(control: control)
        let head = try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<ResponseHead, any Error>) in
            let start = TransferStart(
                request: UpstreamRequest(url: "http://127.0.0.1:1/x", method: "GET"),
                control: control, sink: .stream(head: continuation, body: channel))
            let deliveries = PendingDeliveries()
            let context = TransferContext(start: start, handle: handle, id: 1, deliveries: deliveries)
            let lines = [
                "HTTP/1.1 100 Continue\r\n", "\r\n",            // an interim response: ignored
                "HTTP/2 201 \r\n",
                "Content-Type:  application/json \r\n",
                "X-Folded: first\r\n", "\t second\r\n",          // obsolete line folding
                "X-Empty:\r\n",
                "x-ratelimit-remaining: 42\n",                  // bare LF
                "\r\n",
            ]
            for line in lines {
                Array(line.utf8).withUnsafeBytes { context.receiveHeaderLine($0) }
            }
            // Handed over at the end of the loop turn, not on the blank line itself.
            #expect(!context.headDelivered)
            #expect(deliveries.deliverAll().isEmpty)
            #expect(context.headDelivered)
        }
        #expect(head.status == 201)
        #expect(head.headers.map(\.name) == ["Content-Type", "X-Folded", "X-Empty", "x-ratelimit-remaining"])
        #expect(head.headers.map(\.value) == ["application/json", "first second", "", "42"])
        loop.shutdown()
    }
}
