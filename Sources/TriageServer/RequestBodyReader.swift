import Foundation
import Hummingbird
import NIOHTTP1

/// Reads request bodies: whole, up to a limit, with broken framing answered as the client's
/// mistake (400, or 501 for a transfer-coding Triage does not decode) instead of an internal error.
enum RequestBodyReader {
    /// Reads the request body, refusing it with 413 as soon as it passes `limit` bytes.
    static func read(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let codings = request.headers[.transferEncoding] {
            try checkTransferEncoding(codings)
        }
        let declared = request.headers[.contentLength].flatMap(Int.init)
        if let declared, declared > limit {
            throw APIError.bodyTooLarge(limit: limit)
        }
        var bytes: [UInt8] = []
        if let declared, declared > 0 {
            // One allocation of the right size instead of doubling (and up to twice the
            // memory) while a large prompt arrives; the limit above bounds it.
            bytes.reserveCapacity(declared)
        }
        do {
            for try await buffer in request.body {
                guard bytes.count + buffer.readableBytes <= limit else {
                    throw APIError.bodyTooLarge(limit: limit)
                }
                bytes.append(contentsOf: buffer.readableBytesView)
            }
        } catch let error as APIError {
            throw error
        } catch let error as HTTPParserError where error != .invalidEOFState {
            // (A connection that ends mid-body is an incomplete body, not a framing error: below.)
            var apiError = APIError.invalidRequest(
                "The request body is not validly framed (\(error)): with 'Transfer-Encoding: chunked' each chunk is its size in hex digits, CRLF, that many bytes, CRLF, and a last chunk of size 0.",
                code: .invalidBodyFraming
            )
            apiError.closesConnection = true
            throw apiError
        } catch {
            // The connection ended mid-body: the client hung up, or paused longer than limits.body_timeout.
            throw APIError(
                status: .requestTimeout,
                message: "The request body ended early after \(bytes.count) bytes: the client closed the connection or paused longer than limits.body_timeout between two reads.",
                type: "invalid_request_error", code: .requestBodyIncomplete
            )
        }
        return bytes
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
