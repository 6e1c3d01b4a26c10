import CCurl
import Foundation
import Synchronization

/// Owns one CURLM multi handle and the single thread that drives it.
///
/// Other threads only append `LoopCommand`s to a mutex-protected queue and wake the thread
/// through a `WakeSignal` it polls beside curl's sockets; every curl call happens on the loop
/// thread.
final class CurlEventLoop: Sendable {
    private struct Shared {
        var commands: [LoopCommand] = []
        var isShutDown = false
        /// True while the loop thread sleeps (or is about to sleep) in `curl_multi_poll` and
        /// has not been woken yet: only then does a new command need a wake-up (a busy loop
        /// picks commands up on its next turn; under load this saves a syscall and a wake-up
        /// per request).
        var needsWake = false
    }

    private let shared = Mutex(Shared())
    /// Wakes the loop thread; signalled outside the lock (a syscall held under it made every
    /// thread queueing a request wait on a contended lock).
    private let wakeSignal = WakeSignal()
    /// Longest sleep in `curl_multi_poll` when no `WakeSignal` could be made (no eventfd).
    private static let pollMillisecondsWithoutSignal: Int32 = 5
    /// Transfer ids: an atomic counter, so starting a request takes the loop's lock once
    /// (to queue it), not twice.
    private let nextID = Atomic<Int>(0)
    private let maxConnectionsPerHost: Int
    private let maxIdleConnections: Int
    private let verifyTLS: Bool
    /// The proxy variables of the environment, read once (see `ProxyEnvironment`).
    private let proxies: ProxyEnvironment
    /// Signalled once by the loop thread as it returns (after `curl_multi_cleanup`): ``shutdown()``
    /// waits for it, so a process that exits right after shutting its client down does not run
    /// libcurl's and OpenSSL's exit-time cleanup while the loop thread is still inside them
    /// (`triage eval --resume`, which sends nothing, exited with SIGSEGV now and then).
    private let stopped = DispatchSemaphore(value: 0)
    /// Whether ``startThread()`` ran (else there is no thread to wait for).
    private let threadStarted = Atomic<Bool>(false)
    /// `pthread_self()` of the loop thread once it runs, else 0: shutting down from the loop
    /// thread itself (the client's last reference released there) must not wait for itself.
    private let loopThreadID = Atomic<UInt>(0)
    /// Longest wait in ``shutdown()`` for the loop thread to finish.
    private static let shutdownWaitSeconds = 5.0

    /// Longest time the loop sleeps in `curl_multi_poll` without a deadline.
    private static let maxPollMilliseconds: Int32 = 1000

    init(maxConnectionsPerHost: Int, maxIdleConnections: Int = 256, verifyTLS: Bool, proxies: ProxyEnvironment = .none) {
        self.maxConnectionsPerHost = max(0, maxConnectionsPerHost)
        self.maxIdleConnections = max(1, maxIdleConnections)
        self.verifyTLS = verifyTLS
        self.proxies = proxies
    }

    /// Starts the loop thread. Call once.
    func startThread() {
        threadStarted.store(true, ordering: .releasing)
        let thread = Thread { [self] in
            self.run()
        }
        // At most 15 characters: Linux refuses longer thread names, and the thread then shows
        // up in perf and top under the name of the thread that started it.
        thread.name = "triage-curl"
        thread.start()
    }

    /// Allocates the per-transfer control object for a new request.
    func makeControl() -> TransferControl {
        TransferControl(id: nextID.add(1, ordering: .relaxed).newValue, loop: self)
    }

    /// Queues a new transfer, or fails it with `.clientShutDown` after `shutdown()`.
    func submit(_ start: TransferStart) {
        let (accepted, wake) = shared.withLock { shared -> (Bool, Bool) in
            guard !shared.isShutDown else { return (false, false) }
            shared.commands.append(.start(start))
            return (true, Self.takeWake(&shared))
        }
        if wake { wakeSignal.signal() }
        if !accepted {
            start.fail(.clientShutDown)
        }
    }

    /// Queues a cancel/resume command (ignored after shutdown: everything is aborted anyway).
    func enqueue(_ command: LoopCommand) {
        let wake = shared.withLock { shared -> Bool in
            guard !shared.isShutDown else { return false }
            shared.commands.append(command)
            return Self.takeWake(&shared)
        }
        if wake { wakeSignal.signal() }
    }

    /// Makes the loop abort all transfers and exit, and waits (at most
    /// ``shutdownWaitSeconds``) until its thread has cleaned up and returned, unless called on
    /// that thread. Idempotent: every caller waits.
    func shutdown() {
        let wake = shared.withLock { shared -> Bool in
            guard !shared.isShutDown else { return false }
            shared.isShutDown = true
            return Self.takeWake(&shared)
        }
        if wake { wakeSignal.signal() }
        guard threadStarted.load(ordering: .acquiring),
              loopThreadID.load(ordering: .acquiring) != UInt(pthread_self()) else { return }
        if stopped.wait(timeout: .now() + Self.shutdownWaitSeconds) == .success {
            stopped.signal()  // passed on, for the next caller
        }
    }

    /// Whether the loop thread has returned (for tests).
    var hasStopped: Bool {
        guard stopped.wait(timeout: .now()) == .success else { return false }
        stopped.signal()
        return true
    }

    /// Under the lock: whether the loop sleeps in `curl_multi_poll` and must be woken (once).
    private static func takeWake(_ shared: inout Shared) -> Bool {
        guard shared.needsWake else { return false }
        shared.needsWake = false
        return true
    }

    // MARK: - Loop thread

    private func run() {
        loopThreadID.store(UInt(pthread_self()), ordering: .releasing)
        defer { stopped.signal() }
        guard CurlGlobal.ensureInitialized(), let multi = curl_multi_init() else {
            drainAfterShutdown(reason: .transferFailed(
                url: "(all)", message: "libcurl could not be initialised; the upstream client is unusable"))
            return
        }
        _ = triage_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
        _ = triage_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxIdleConnections)
        _ = triage_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))

        let registry = TransferRegistry(multi: multi, verifyTLS: verifyTLS, proxies: proxies)
        var running: Int32 = 0
        while true {
            // Taking the commands also ends the sleep flag of the last `curl_multi_poll`: the
            // loop is awake until it sets the flag again below.
            let (commands, stopping) = shared.withLock { shared -> ([LoopCommand], Bool) in
                let commands = shared.commands
                shared.commands = []
                shared.needsWake = false
                return (commands, shared.isShutDown)
            }
            let now = ContinuousClock.now
            registry.beginTurn(at: now)
            for command in commands {
                switch command {
                case .start(let start): registry.start(start)
                case .cancel(let id): registry.cancel(id: id)
                case .resume(let id): registry.resume(id: id)
                }
            }
            if stopping {
                registry.failAll(.clientShutDown)
                registry.releaseIdleHandles()
                curl_multi_cleanup(multi)
                drainAfterShutdown(reason: .clientShutDown)
                return
            }

            _ = curl_multi_perform(multi, &running)
            registry.processCompletions()
            registry.deliverPending()
            let idleDeadline = registry.enforceIdleTimeouts(now: now)

            var timeout = Self.maxPollMilliseconds
            if let idleDeadline {
                timeout = min(timeout, Self.milliseconds(rounding: idleDeadline))
            }
            // Commands queued from here on must wake the poll below; any queued before this
            // point make it return at once instead of sleeping.
            let pending = shared.withLock { shared -> Bool in
                shared.needsWake = shared.commands.isEmpty && !shared.isShutDown
                return !shared.needsWake
            }
            if pending { continue }
            // Also returns early when curl's own timers (connect/total timeouts) expire.
            if wakeSignal.fd >= 0 {
                var signal = curl_waitfd(fd: wakeSignal.fd, events: Int16(CURL_WAIT_POLLIN), revents: 0)
                _ = curl_multi_poll(multi, &signal, 1, timeout, nil)
                if signal.revents != 0 { wakeSignal.drain() }
            } else {
                _ = curl_multi_poll(multi, nil, 0, min(timeout, Self.pollMillisecondsWithoutSignal), nil)
            }
        }
    }

    /// Fails every queued start after the loop has stopped (or could not start).
    private func drainAfterShutdown(reason: UpstreamError) {
        let commands = shared.withLock { shared -> [LoopCommand] in
            shared.isShutDown = true
            let commands = shared.commands
            shared.commands = []
            return commands
        }
        for case .start(let start) in commands {
            start.fail(reason)
        }
    }

    /// Whole milliseconds in `duration`, rounded up, clamped to `0...Int32.max`.
    private static func milliseconds(rounding duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(0, millis))
    }
}
