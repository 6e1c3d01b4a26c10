import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1

/// Collects a request body: whole, up to a limit, with broken framing answered as the client's
/// mistake (400, or 501 for a transfer-coding Triage does not decode) instead of an internal
/// error. A value with no I/O: ``RequestBodyReader`` feeds it from Hummingbird's body stream,
/// the ``ProxyFront`` from the channel's body parts on the event loop.
struct BodyCollector: Sendable {
    private(set) var bytes: [UInt8] = []
    let limit: Int

    /// Checks the head: `Transfer-Encoding` (only `chunked`) and a declared `Content-Length` over `limit`.
    /// An empty collector, with no checks.
    init(limit: Int) {
        self.limit = limit
    }

    init(transferEncoding: String?, contentLength: String?, limit: Int) throws(APIError) {
        self.init(limit: limit)
        if let transferEncoding {
            try Self.checkTransferEncoding(transferEncoding)
        }
        let declared = contentLength.flatMap(Int.init)
        if let declared, declared > limit {
            throw APIError.bodyTooLarge(limit: limit)
        }
        if let declared, declared > 0 {
            // One allocation of the right size instead of doubling (and up to twice the
            // memory) while a large prompt arrives; the limit above bounds it.
            bytes.reserveCapacity(declared)
        }
    }

    /// Adds one read, refusing the body with 413 as soon as it passes the limit.
    mutating func append(_ buffer: ByteBuffer) throws(APIError) {
        guard bytes.count + buffer.readableBytes <= limit else {
            throw APIError.bodyTooLarge(limit: limit)
        }
        bytes.append(contentsOf: buffer.readableBytesView)
    }

    /// The error for a body that stopped: bytes that are not valid HTTP framing (400, and the
    /// connection closes), or a connection that ended mid-body (408).
    func failure(_ error: (any Error)?) -> APIError {
        if let error = error as? HTTPParserError, error != .invalidEOFState {
            // (A connection that ends mid-body is an incomplete body, not a framing error: below.)
            var apiError = APIError.invalidRequest(
                "The request body is not validly framed (\(error)): with 'Transfer-Encoding: chunked' each chunk is its size in hex digits, CRLF, that many bytes, CRLF, and a last chunk of size 0.",
                code: .invalidBodyFraming
            )
            apiError.closesConnection = true
            return apiError
        }
        // The connection ended mid-body: the client hung up, or paused longer than limits.body_timeout.
        return APIError(
            status: .requestTimeout,
            message: "The request body ended early after \(bytes.count) bytes: the client closed the connection or paused longer than limits.body_timeout between two reads.",
            type: "invalid_request_error", code: .requestBodyIncomplete
        )
    }

    /// Only `chunked` is a transfer-coding Triage decodes; anything else (`gzip`, `deflate`, a
    /// list) is 501, as RFC 9112 §6.1 asks.
    static func checkTransferEncoding(_ codings: String) throws(APIError) {
        let names = codings.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard names != ["chunked"] else { return }
        var error = APIError(
            status: .notImplemented,
            message: "Transfer-Encoding '\(codings.prefix(100))' is not supported; send the body with Content-Length or 'Transfer-Encoding: chunked' (compressed bodies are not decoded).",
            type: "invalid_request_error", code: .unsupportedTransferEncoding, param: nil
        )
        error.closesConnection = true
        throw error
    }
}

/// Reads Hummingbird request bodies through a ``BodyCollector``.
enum RequestBodyReader {
    /// Reads the request body, refusing it with 413 as soon as it passes `limit` bytes.
    static func read(_ request: Request, limit: Int) async throws -> [UInt8] {
        var collector = try BodyCollector(
            transferEncoding: request.headers[.transferEncoding], contentLength: request.headers[.contentLength], limit: limit)
        do {
            for try await buffer in request.body {
                try collector.append(buffer)
            }
        } catch let error as APIError {
            throw error
        } catch {
            throw collector.failure(error)
        }
        return collector.bytes
    }
}
