import CCurl

/// One curl easy handle and what lives as long as it does: its error buffer, and whether it
/// still holds the options every POST transfer shares (set once, kept across transfers).
final class EasyHandle {
    let easy: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER`: curl's text for the last failure.
    let errorBuffer: UnsafeMutablePointer<CChar>
    /// True when the handle's last transfer was a POST whose options were kept (no
    /// `curl_easy_reset`): the next POST only sets what differs per transfer.
    var keepsPostOptions = false
    /// The `CURLOPT_PROXY` the handle holds (`nil`: none set since it was made or reset).
    var proxy: String?

    init?() {
        guard let easy = curl_easy_init() else { return nil }
        self.easy = easy
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(easy)
        errorBuffer.deallocate()
    }

    /// Text curl left in the error buffer.
    var errorDetail: String {
        String(cString: errorBuffer)
    }
}

/// Finished easy handles kept for the next transfers: creating and destroying one per request
/// costs more than reusing it. A handle whose last transfer was a plain POST keeps its options
/// (the next POST sets only the URL, headers, body size, timeouts and callback data); any
/// other is `curl_easy_reset` first. Connections, DNS and TLS session caches live in the
/// multi handle either way. Used only on the event-loop thread.
final class EasyHandlePool {
    private var idle: [EasyHandle] = []
    let capacity: Int

    init(capacity: Int = 256) {
        self.capacity = max(0, capacity)
    }

    /// Handles waiting for a transfer.
    var idleCount: Int { idle.count }

    /// A pooled handle (the most recently used, its connection state warm), or a new one;
    /// `nil` if curl cannot allocate one.
    func take() -> EasyHandle? {
        idle.popLast() ?? EasyHandle()
    }

    /// Puts a detached handle back. `keepOptions`: its transfer was a POST that ended
    /// normally, so its options may stay for the next POST; otherwise it is reset.
    func recycle(_ handle: EasyHandle, keepOptions: Bool) {
        guard idle.count < capacity else { return }  // released: deinit cleans it up
        if keepOptions {
            // The header list belongs to the transfer (or the cache): never left behind.
            _ = triage_easy_setopt_slist(handle.easy, CURLOPT_HTTPHEADER, nil)
        } else {
            curl_easy_reset(handle.easy)
            handle.proxy = nil
        }
        handle.keepsPostOptions = keepOptions
        idle.append(handle)
    }

    /// Destroys the pooled handles (at shutdown, before the multi handle goes).
    func releaseAll() {
        idle.removeAll()
    }
}
