/// What sends one request upstream and hands back its head, with the body streaming after it:
/// ``UpstreamClient`` (libcurl) in production; the lifecycle's unit tests use one in memory.
///
/// HTTP error statuses are returned, not thrown; a failure to get an answer throws
/// `UpstreamError`, and cancelling the calling task (or `UpstreamRequest/cancellation`) ends
/// the transfer with `UpstreamError.cancelled`.
public protocol UpstreamTransport: Sendable {
    /// Starts the transfer; returns once the status line and headers have arrived (or throws).
    func execute(_ request: UpstreamRequest) async throws -> UpstreamResponse
}

extension UpstreamClient: UpstreamTransport {}
