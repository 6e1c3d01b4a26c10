import Foundation
import HTTPTypes
import TriageJSON
import TriageUpstream

/// The errors Triage answers for a backend's failures. Any text that came from the backend (or
/// from the transfer) passes through the ``SecretRedactor`` first: an upstream error that quotes
/// the request's `Authorization` header must not hand the backend's key to the client, the
/// routing log or the server log.
enum UpstreamErrors {
    /// Most characters of an upstream error message quoted.
    static let quotedCharacters = 300

    /// The error for a failed transfer (connection, timeout, cut-off body).
    static func apiError(_ error: any Error, backend: String, redactor: SecretRedactor) -> APIError {
        var apiError: APIError
        if let error = error as? APIError {
            apiError = error
        } else if let error = error as? UpstreamError {
            apiError = .upstream(error, backend: backend)
        } else {
            apiError = APIError(status: .badGateway, message: "Backend '\(backend)' failed: \(error)", type: "upstream_error", code: .upstreamUnavailable)
        }
        apiError.message = redactor.redact(apiError.message)
        return apiError
    }

    /// The error for a backend answering with a non-2xx status.
    ///
    /// A 4xx is the client's to see (bad parameters, rate limits), so it keeps its status and the
    /// backend's message; a 5xx becomes a 502 from the proxy, quoting the backend.
    static func statusError(status: Int, body: [UInt8], backend: String, redactor: SecretRedactor) -> APIError {
        let upstreamMessage = message(body, redactor: redactor)
        if (400..<500).contains(status) {
            return APIError(
                status: HTTPResponse.Status(code: status),
                message: "Backend '\(backend)' rejected the request (HTTP \(status)): \(upstreamMessage)",
                type: status == 429 ? "rate_limit_error" : "invalid_request_error",
                code: status == 429 ? .upstreamRateLimited : .upstreamRejected
            )
        }
        return APIError(
            status: .badGateway,
            message: "Backend '\(backend)' returned HTTP \(status): \(upstreamMessage)",
            type: "upstream_error", code: .upstreamError
        )
    }

    /// The message of an upstream error body, secrets masked: `error.message` of an OpenAI-shaped
    /// (or Anthropic-shaped) error, else the start of the body as text (masked before it is
    /// shortened, so no cut-off part of a secret is left).
    static func message(_ body: [UInt8], redactor: SecretRedactor) -> String {
        if let parsed = try? JSONParser.parse(body), let message = parsed["error"]?["message"]?.stringValue {
            return redactor.redact(message)
        }
        let text = redactor.redact(String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        return text.isEmpty ? "(empty body)" : String(text.prefix(quotedCharacters))
    }

    /// The metrics label for why an attempt failed.
    static func failureReason(_ error: APIError) -> String {
        if let status = error.upstreamStatus {
            if status == 429 { return "status_429" }
            return status >= 500 ? "status_5xx" : "status_4xx"
        }
        if error.code == .upstreamTimeout { return "timeout" }
        if error.code == .upstreamInvalidResponse { return "invalid_response" }
        if error.code == .upstreamUnavailable { return "connect" }
        return "other"
    }
}
