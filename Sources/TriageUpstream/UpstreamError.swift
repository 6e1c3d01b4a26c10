/// Why an upstream request failed. HTTP error statuses are not errors: they are returned
/// as `UpstreamResponse` values.
public enum UpstreamError: Error, CustomStringConvertible, Sendable {
    /// The URL is not an absolute `http://` / `https://` URL curl can use. Carries the URL.
    case invalidURL(String)
    /// No connection could be made: refused, DNS failure, TLS handshake or certificate error.
    case connectFailed(url: String, message: String)
    /// A time limit was exceeded. `phase` is `"connect"`, `"total"` or `"idle"`.
    case timedOut(url: String, phase: String, seconds: Double)
    /// The transfer broke after it started: connection reset or closed mid-body, bad framing...
    case transferFailed(url: String, message: String)
    /// The server answered, but not in HTTP (e.g. garbage bytes, or another protocol on that port).
    case notHTTP(url: String, message: String)
    /// Every slot of the request's `ConnectionLimit` stayed busy for its whole `queueTimeout`:
    /// the request was never sent.
    case connectionsBusy(url: String, limit: Int, seconds: Double)
    /// The caller cancelled the request (task cancellation or abandoning the body).
    case cancelled
    /// The `UpstreamClient` was shut down before or during the transfer.
    case clientShutDown

    /// `true` for `.timedOut`, whatever the phase.
    public var isTimeout: Bool {
        if case .timedOut = self { return true }
        return false
    }

    /// A one-line, actionable explanation, e.g.
    /// `upstream http://127.0.0.1:9/v1/chat/completions: connection refused (curl: Couldn't connect to server)`.
    public var description: String {
        switch self {
        case .invalidURL(let url):
            return "invalid upstream URL \"\(url)\": expected an absolute http:// or https:// URL "
                + "such as http://127.0.0.1:8080/v1/chat/completions"
        case .connectFailed(let url, let message):
            return "upstream \(url): \(message)"
        case .timedOut(let url, let phase, let seconds):
            let limit = Self.format(seconds: seconds)
            switch phase {
            case "connect":
                return "upstream \(url): could not connect within \(limit) (connect timeout); "
                    + "check that the host is reachable or raise the connect timeout"
            case "idle":
                return "upstream \(url): no data received for \(limit) (idle timeout); "
                    + "the upstream stalled, or raise the idle timeout"
            default:
                return "upstream \(url): request did not complete within \(limit) (\(phase) timeout); "
                    + "raise the total timeout for long generations"
            }
        case .transferFailed(let url, let message):
            return "upstream \(url): \(message)"
        case .notHTTP(let url, let message):
            return "upstream \(url) answered something that is not HTTP; check that base_url points at "
                + "the model server's HTTP port (\(message))"
        case .connectionsBusy(let url, let limit, let seconds):
            return "upstream \(url): all \(limit) connections allowed to it (max_connections) stayed busy for "
                + "\(Self.format(seconds: seconds)) (timeouts.queue), so the request was not sent; raise max_connections "
                + "if the server takes more, or set max_concurrent to answer at once instead of queueing"
        case .cancelled:
            return "upstream request cancelled by the caller"
        case .clientShutDown:
            return "upstream client has been shut down; it no longer accepts or runs requests"
        }
    }

    /// Formats a number of seconds as `5s` or `0.25s`.
    static func format(seconds: Double) -> String {
        if seconds.isFinite, seconds == seconds.rounded(), abs(seconds) < 1e15 {
            return "\(Int(seconds))s"
        }
        return "\(seconds)s"
    }
}
