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
        let easy = try #require(curl_easy_init())
        defer { curl_easy_cleanup(easy) }
        let (_, bodyContinuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        await #expect(throws: UpstreamError.self) {
        _ = try await withCheckedThrowingContinuation { (head: CheckedContinuation<ResponseHead, any Error>) in
            let start = TransferStart(
                request: UpstreamRequest(url: "http://127.0.0.1:1/x", method: "POST", body: body),
                control: loop.makeControl(), headContinuation: head, bodyContinuation: bodyContinuation)
            let context = TransferContext(start: start, easy: easy, id: 1)
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
