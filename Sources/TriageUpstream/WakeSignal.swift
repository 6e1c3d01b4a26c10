import CCurl
import Glibc

/// How other threads wake the upstream client's loop thread from `curl_multi_poll`: an
/// eventfd the loop polls beside curl's sockets (`extra_fds`).
///
/// `curl_multi_wakeup` does the same through a Unix socket pair: a `send` on the waking thread
/// and a `recv` on the loop thread, each allocating and freeing a socket buffer (about 5 µs the
/// pair on the bench machine, against about 1.5 µs for an eventfd's `write` and `read`), once
/// per request whenever the loop sleeps between requests.
final class WakeSignal: Sendable {
    /// The eventfd, or -1 if none could be made (the loop then polls at a short interval).
    let fd: Int32

    init() {
        fd = triage_wake_eventfd()
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Makes the next (or current) poll of ``fd`` return. Safe from any thread.
    func signal() {
        guard fd >= 0 else { return }
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(fd, $0.baseAddress, 8) }
    }

    /// Resets the signal after a poll saw it (loop thread).
    func drain() {
        guard fd >= 0 else { return }
        var value: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &value) { read(fd, $0.baseAddress, 8) }
    }
}
