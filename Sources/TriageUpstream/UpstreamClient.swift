/// An async HTTP/1.1 + HTTP/2 client for upstream LLM APIs, built on libcurl's multi
/// interface: one multi handle and one event-loop thread per client, with connections
/// pooled and reused across requests (and multiplexed over HTTP/2 when the server offers it
/// over TLS).
///
/// Keep one client for the life of the process and call `shutdown()` when done; releasing
/// the last reference also shuts it down.
public final class UpstreamClient: Sendable {
    private let loop: CurlEventLoop
    private let slots = ConnectionSlots()

    /// Creates a client and starts its event-loop thread.
    /// - Parameters:
    ///   - maxConnectionsPerHost: curl's own cap on simultaneous connections to one host, 0 for
    ///     none (the default). Requests beyond it wait inside curl, and that wait counts against
    ///     their connect and total timeouts: to limit connections, give requests a
    ///     `ConnectionLimit` instead, which queues them before curl and fails a long wait with
    ///     its own error.
    ///   - maxIdleConnections: idle connections kept for reuse.
    ///   - verifyTLS: verify upstream TLS certificates and host names (default `true`).
    ///     Only disable for trusted test upstreams.
    ///
    /// The proxy variables of the environment (`http_proxy`, `https_proxy`, `all_proxy`,
    /// `no_proxy`) are honoured as curl honours them, but read once, here.
    public convenience init(maxConnectionsPerHost: Int = 0, maxIdleConnections: Int = 256, verifyTLS: Bool = true) {
        self.init(
            maxConnectionsPerHost: maxConnectionsPerHost, maxIdleConnections: maxIdleConnections, verifyTLS: verifyTLS,
            proxies: .current())
    }

    /// The same with the given proxy settings instead of the environment's (for tests).
    init(maxConnectionsPerHost: Int = 0, maxIdleConnections: Int = 256, verifyTLS: Bool = true, proxies: ProxyEnvironment) {
        loop = CurlEventLoop(
            maxConnectionsPerHost: maxConnectionsPerHost, maxIdleConnections: maxIdleConnections, verifyTLS: verifyTLS,
            proxies: proxies)
        loop.startThread()
    }

    deinit {
        loop.shutdown()
    }

    /// Whether the event-loop thread has finished (after ``shutdown()``; for tests).
    var hasLoopStopped: Bool { loop.hasStopped }

    /// Starts the transfer; returns once the status line and headers have arrived (or throws).
    /// The body streams afterwards through `UpstreamResponse.body`.
    ///
    /// HTTP error statuses are returned, not thrown. Cancelling the calling task aborts the
    /// transfer promptly and throws `UpstreamError.cancelled`.
    /// - Throws: `UpstreamError` only.
    public func execute(_ request: UpstreamRequest) async throws -> UpstreamResponse {
        guard Self.isPlausibleURL(request.url) else {
            throw UpstreamError.invalidURL(request.url)
        }
        if let limit = request.connectionLimit {
            // Queued here, not in curl: the transfer's timeouts start once it has a slot.
            try await slots.acquire(limit, url: request.url, cancellation: request.cancellation)
        }
        let control = loop.makeControl()
        if let limit = request.connectionLimit {
            let slots = self.slots
            control.onFinish { slots.release(key: limit.key) }
        }
        request.cancellation?.attach(control)
        let channel = BodyChannel(control: control)
        let head = try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<ResponseHead, any Error>) in
                loop.submit(TransferStart(request: request, control: control, sink: .stream(head: continuation, body: channel)))
            }
        } onCancel: {
            control.cancel()
        }
        return UpstreamResponse(status: head.status, headers: head.headers, body: UpstreamBody(channel: channel, url: request.url))
    }

    /// Starts the transfer and returns at once; `handler` receives the response on this
    /// client's event-loop thread, one `UpstreamDelivery` per loop turn, ending with one whose
    /// `end` is set (also for an invalid URL, a full connection queue or a shutdown client).
    ///
    /// No backpressure: the handler takes each delivery as it comes. The request's
    /// `cancellation` and `connectionLimit` apply as in `execute` (the transfer waits for a
    /// slot on a task of its own).
    @discardableResult
    public func start(_ request: UpstreamRequest, handler: any UpstreamResponseHandler) -> UpstreamTransfer {
        let control = loop.makeControl()
        let transfer = UpstreamTransfer(control: control)
        let start = TransferStart(request: request, control: control, sink: .handler(handler))
        guard Self.isPlausibleURL(request.url) else {
            start.fail(.invalidURL(request.url))
            return transfer
        }
        request.cancellation?.attach(control)
        guard let limit = request.connectionLimit else {
            loop.submit(start)
            return transfer
        }
        let slots = self.slots
        let loop = self.loop
        Task {
            do throws(UpstreamError) {
                try await slots.acquire(limit, url: request.url, cancellation: request.cancellation)
            } catch {
                start.fail(error)
                return
            }
            control.onFinish { slots.release(key: limit.key) }
            loop.submit(start)
        }
        return transfer
    }

    /// Transfers running now under the `ConnectionLimit` key `key` (for tests and status).
    public func runningTransfers(key: String) -> Int {
        slots.running(key: key)
    }

    /// Aborts all transfers (they fail with `UpstreamError.clientShutDown`) and stops the
    /// event-loop thread. Later `execute` calls throw `.clientShutDown`. Idempotent; returns
    /// without waiting for the thread to exit.
    public func shutdown() {
        loop.shutdown()
    }

    /// Cheap pre-check so obviously bad URLs fail without a round trip to the loop thread;
    /// curl still validates the rest.
    private static func isPlausibleURL(_ url: String) -> Bool {
        let bytes = url.utf8
        let rest: Substring.UTF8View
        if hasPrefix(bytes, "http://") {
            rest = Substring(url).utf8.dropFirst(7)
        } else if hasPrefix(bytes, "https://") {
            rest = Substring(url).utf8.dropFirst(8)
        } else {
            return false
        }
        guard let first = rest.first, first != UInt8(ascii: "/"), first != UInt8(ascii: "?"), first != UInt8(ascii: "#") else {
            return false
        }
        return !bytes.contains { $0 <= 32 || $0 == 127 }
    }

    /// Whether `bytes` starts with the lowercase ASCII `prefix`, ignoring the case of letters.
    private static func hasPrefix(_ bytes: String.UTF8View, _ prefix: StaticString) -> Bool {
        guard bytes.count >= prefix.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        for (byte, lower) in zip(bytes, expected) where byte != lower {
            let isLetter = lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
            guard isLetter, byte | 0x20 == lower else { return false }
        }
        return true
    }
}
