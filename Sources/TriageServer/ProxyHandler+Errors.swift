import Foundation
import HTTPTypes
import TriageUpstream

/// How failures become the client's error and the metrics' labels.
extension ProxyHandler {
    /// Agreement of two answers: the Jaccard similarity of their lowercased word sets.
    static func agreement(_ first: String, _ second: String) -> Double {
        func words(_ text: String) -> Set<Substring> {
            Set(text.lowercased().split { !$0.isLetter && !$0.isNumber })
        }
        let a = words(first), b = words(second)
        guard !a.isEmpty || !b.isEmpty else { return 1 }
        return Double(a.intersection(b).count) / Double(a.union(b).count)
    }

    /// The metrics label for why an attempt failed.
    static func failureReason(_ error: APIError) -> String {
        if let status = error.upstreamStatus {
            if status == 429 { return "status_429" }
            return status >= 500 ? "status_5xx" : "status_4xx"
        }
        if error.code == "upstream_timeout" { return "timeout" }
        if error.code == "upstream_unavailable" { return "connect" }
        return "other"
    }

    static func apiError(_ error: any Error, backend: String) -> APIError {
        if let error = error as? APIError { return error }
        if let error = error as? UpstreamError { return .upstream(error, backend: backend) }
        return APIError(status: .badGateway, message: "Backend '\(backend)' failed: \(error)", type: "upstream_error", code: "upstream_unavailable")
    }

    /// The error for a backend answering with a non-2xx status.
    ///
    /// A 4xx is the client's to see (bad parameters, rate limits), so it keeps its status and the
    /// backend's message; a 5xx becomes a 502 from the proxy, quoting the backend.
    static func upstreamStatusError(status: Int, body: [UInt8], backend: String) -> APIError {
        let upstreamMessage = upstreamErrorMessage(body)
        if (400..<500).contains(status) {
            return APIError(
                status: HTTPResponse.Status(code: status),
                message: "Backend '\(backend)' rejected the request (HTTP \(status)): \(upstreamMessage)",
                type: status == 429 ? "rate_limit_error" : "invalid_request_error",
                code: status == 429 ? "upstream_rate_limited" : "upstream_rejected"
            )
        }
        return APIError(
            status: .badGateway,
            message: "Backend '\(backend)' returned HTTP \(status): \(upstreamMessage)",
            type: "upstream_error", code: "upstream_error"
        )
    }

    fileprivate static func upstreamErrorMessage(_ body: [UInt8]) -> String {
        struct Envelope: Decodable {
            struct Inner: Decodable { var message: String? }
            var error: Inner?
        }
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body)), let message = envelope.error?.message {
            return message
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : text
    }
}
