import Foundation
import CCurl

extension UpstreamError {
    /// Maps a failed curl transfer to an `UpstreamError`.
    /// - Parameters:
    ///   - code: the transfer's `CURLcode` (not `CURLE_OK`).
    ///   - detail: contents of the transfer's `CURLOPT_ERRORBUFFER` (may be empty).
    ///   - url: the request URL, for the message.
    ///   - timeouts: the request's time limits, to report the limit that fired.
    ///   - requestSent: whether a connection existed and the request was sent.
    ///   - osErrno: `CURLINFO_OS_ERRNO` of the failed connect (0 if unknown).
    static func fromCurl(
        code: CURLcode,
        detail: String,
        url: String,
        timeouts: UpstreamTimeouts,
        requestSent: Bool,
        osErrno: Int = 0
    ) -> UpstreamError {
        let curlText = curlDescription(code: code, detail: detail)
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL where requestSent, CURLE_WEIRD_SERVER_REPLY where requestSent:
            // The URL was fine (the request went out); what came back was not an HTTP response
            // ("Received HTTP/0.9 when not allowed", "Unsupported HTTP version in response"...).
            return .notHTTP(url: url, message: curlText)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL(url)
        case CURLE_OPERATION_TIMEDOUT:
            if !requestSent && timeouts.connect <= timeouts.total {
                return .timedOut(url: url, phase: "connect", seconds: timeouts.connect)
            }
            return .timedOut(url: url, phase: "total", seconds: timeouts.total)
        case CURLE_COULDNT_CONNECT:
            let summary: String
            switch Int32(clamping: osErrno) {
            case ECONNREFUSED: summary = "connection refused"
            case EHOSTUNREACH: summary = "host unreachable"
            case ENETUNREACH: summary = "network unreachable"
            default:
                summary = detail.lowercased().contains("refused") ? "connection refused" : "could not connect"
            }
            return .connectFailed(url: url, message: "\(summary) (\(curlText))")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connectFailed(url: url, message: "could not resolve the host name (\(curlText))")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            return .connectFailed(
                url: url,
                message: "TLS certificate verification failed; fix the upstream certificate or "
                    + "disable verification only for trusted test upstreams (\(curlText))")
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE,
            CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CLIENTCERT:
            return .connectFailed(url: url, message: "TLS handshake failed (\(curlText))")
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_HTTP2,
            CURLE_HTTP2_STREAM:
            return .transferFailed(
                url: url, message: "connection closed or reset during the transfer (\(curlText))")
        default:
            return .transferFailed(url: url, message: "transfer failed (\(curlText))")
        }
    }

    /// `curl: <curl_easy_strerror>[; <error buffer>]`.
    static func curlDescription(code: CURLcode, detail: String) -> String {
        let base = curl_easy_strerror(code).map { String(cString: $0) } ?? "error \(code.rawValue)"
        let trimmed = detail.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed == base {
            return "curl: \(base)"
        }
        return "curl: \(base); \(trimmed)"
    }
}
