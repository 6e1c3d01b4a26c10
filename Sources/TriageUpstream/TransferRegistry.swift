import CCurl

/// The transfers currently attached to the multi handle. Owned and used exclusively by the
/// event-loop thread; it creates, configures, and destroys every easy handle.
final class TransferRegistry {
    private let multi: UnsafeMutableRawPointer
    private let verifyTLS: Bool
    private let proxies: ProxyEnvironment
    private var byID: [Int: TransferContext] = [:]
    private var byHandle: [UnsafeMutableRawPointer: TransferContext] = [:]
    /// Finished easy handles kept for the next transfers (see `EasyHandlePool`).
    let handles = EasyHandlePool()
    /// The header lists of recent requests (see `HeaderListCache`).
    let headerLists = HeaderListCache()
    /// Idle timeouts are checked at most this often (they are seconds long).
    private static let idleScanInterval = Duration.milliseconds(50)
    private var nextIdleScan: ContinuousClock.Instant = .now
    private var nearestIdleDeadline: ContinuousClock.Instant?
    /// Heads and body bytes received during the current loop turn, handed over by
    /// `deliverPending()`.
    private let deliveries = PendingDeliveries()

    init(multi: UnsafeMutableRawPointer, verifyTLS: Bool, proxies: ProxyEnvironment = .none) {
        self.multi = multi
        self.verifyTLS = verifyTLS
        self.proxies = proxies
    }

    /// Starts a loop turn: `now` stands for the time of everything received in it.
    func beginTurn(at now: ContinuousClock.Instant) {
        deliveries.beginTurn(at: now)
    }

    /// Number of transfers attached to the multi handle.
    var count: Int { byID.count }

    // MARK: - Commands

    /// Creates, configures and adds an easy handle for `start`, or fails it right away.
    func start(_ start: TransferStart) {
        let url = start.request.url
        if start.control.isCancelRequested {
            Self.failUnstarted(start, .cancelled)
            return
        }
        guard let handle = handles.take() else {
            Self.failUnstarted(
                start, .transferFailed(url: url, message: "curl_easy_init failed (out of memory?)"))
            return
        }
        let context = TransferContext(start: start, handle: handle, id: start.control.id, deliveries: deliveries)
        if let error = EasyHandleSetup.configure(
            context, request: start.request, verifyTLS: verifyTLS, headerLists: headerLists, proxies: proxies) {
            handles.recycle(handle, keepOptions: false)
            context.fail(error)
            return
        }
        let easy = handle.easy
        let added = curl_multi_add_handle(multi, easy)
        guard added == CURLM_OK else {
            handles.recycle(handle, keepOptions: false)
            let text = curl_multi_strerror(added).map { String(cString: $0) } ?? "error \(added.rawValue)"
            context.fail(.transferFailed(url: url, message: "could not start the transfer (curl: \(text))"))
            return
        }
        byID[context.id] = context
        byHandle[easy] = context
        // Its idle deadline is at least its idle timeout away; the next scan (at most
        // `idleScanInterval` from now) sees it in time.
    }

    /// Destroys the pooled handles (at shutdown, before the multi handle goes).
    func releaseIdleHandles() {
        handles.releaseAll()
    }

    /// Aborts transfer `id` with `.cancelled`, if it is still running.
    func cancel(id: Int) {
        guard let context = byID[id] else { return }
        finish(context, error: .cancelled)
    }

    /// Un-pauses transfer `id` after its consumer caught up.
    func resume(id: Int) {
        guard let context = byID[id], context.pausedForBackpressure else { return }
        context.pausedForBackpressure = false
        context.lastActivity = deliveries.turnStart
        // May call the write callback synchronously (and pause again): fine, same thread.
        _ = triage_easy_unpause(context.easy)
    }

    /// Aborts every transfer with `error`.
    func failAll(_ error: UpstreamError) {
        for context in Array(byID.values) {
            finish(context, error: error)
        }
    }

    // MARK: - Loop steps

    /// Handles every CURLMSG_DONE message curl has queued.
    func processCompletions() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE,
                let easy = message.pointee.easy_handle,
                let context = byHandle[easy]
            else { continue }
            let code = triage_msg_result(message)
            if code == CURLE_OK {
                finish(context, error: nil)
            } else if context.abandonedByConsumer {
                finish(context, error: .cancelled)
            } else {
                var osErrno = 0
                _ = triage_easy_getinfo_long(easy, CURLINFO_OS_ERRNO, &osErrno)
                let error = UpstreamError.fromCurl(
                    code: code, detail: context.errorDetail, url: context.url,
                    timeouts: context.timeouts, requestSent: context.requestSent, osErrno: osErrno)
                finish(context, error: error)
            }
        }
    }

    /// Hands every head and body byte received in this loop turn to its consumer, and aborts
    /// the transfers whose consumer went away. Call after `curl_multi_perform` and
    /// `processCompletions`, before sleeping.
    func deliverPending() {
        for context in deliveries.deliverAll() where byID[context.id] === context {
            finish(context, error: .cancelled)
        }
    }

    /// Fails transfers that received nothing for longer than their idle timeout, and returns
    /// the time until the next idle deadline (nil if none).
    ///
    /// Scans the transfers at most every `idleScanInterval` (a scan per loop turn cost a pass
    /// over every transfer per request under load); in between it returns the time until the
    /// next scan or the nearest deadline found by the last one.
    func enforceIdleTimeouts(now: ContinuousClock.Instant) -> Duration? {
        if now < nextIdleScan {
            guard !byID.isEmpty else { return nil }
            let wake = min(nextIdleScan, nearestIdleDeadline ?? nextIdleScan)
            return max(.zero, wake - now)
        }
        var nearest: Duration?
        var expired: [TransferContext] = []
        for context in byID.values where context.requestSent && !context.pausedForBackpressure {
            guard context.timeouts.idle.isFinite, context.timeouts.idle > 0 else { continue }
            let limit = Duration.seconds(context.timeouts.idle)
            let remaining = limit - (now - context.lastActivity)
            if remaining <= .zero {
                expired.append(context)
            } else if nearest.map({ remaining < $0 }) ?? true {
                nearest = remaining
            }
        }
        for context in expired {
            finish(context, error: .timedOut(url: context.url, phase: "idle", seconds: context.timeouts.idle))
        }
        nextIdleScan = now + Self.idleScanInterval
        nearestIdleDeadline = nearest.map { now + $0 }
        return nearest
    }

    // MARK: - Teardown

    /// Detaches and destroys the easy handle, then completes or fails the transfer.
    private func finish(_ context: TransferContext, error: UpstreamError?) {
        // Removing an unfinished transfer makes curl close (HTTP/1) or reset (HTTP/2) it.
        curl_multi_remove_handle(multi, context.easy)
        byID[context.id] = nil
        byHandle[context.easy] = nil
        // Completing may still read the handle (the status code), so it goes first; then the
        // handle goes back to the pool (a POST that ended normally keeps its options).
        if let error {
            context.fail(error)
        } else {
            context.complete()
        }
        handles.recycle(context.handle, keepOptions: error == nil && context.isPost)
    }

    /// Fails a transfer that never got an easy handle.
    private static func failUnstarted(_ start: TransferStart, _ error: UpstreamError) {
        start.fail(error)
    }
}
