import Synchronization

import Glibc

/// Keeps a slow disk from stalling the threads that write routing log lines inline.
///
/// ``RoutingLogWriter/commit(_:)`` lets a caller that finds the writer thread idle write its
/// batch itself, on its own thread: for the proxy that is the connection's event loop, which
/// serves every other connection on it too. A `write(2)` that blocks (page-cache writeback
/// throttling, a slow or full network disk) would hold all of them. So each inline write is
/// timed, and one that takes longer than ``threshold`` starts a back-off: for ``backOff`` no
/// caller writes inline, batches go to the writer thread as before (a commit still returns only
/// once its line is in the file), and the caller's thread only waits for it. Afterwards callers
/// write inline again, and the next slow write starts another back-off.
///
/// Each back-off is counted (``RoutingLogWriter/Status/inlineFallbacks``, exported as
/// `triage_log_inline_fallbacks_total`) and announced by a warning, at most one per
/// ``warningInterval`` (the warning says how many back-offs it stands for).
public final class InlineWriteGuard: Sendable {
    /// An inline write slower than this starts a back-off: 2 ms, about a hundred times what a
    /// batch's `write(2)` to the page cache costs, and long enough for an event loop's other
    /// connections to notice.
    public static let defaultThreshold: Duration = .milliseconds(2)
    /// How long callers leave the writing to the writer thread after a slow inline write: a
    /// disk that stays slow stalls one inline write a second at most, and a write that was slow
    /// only because its thread was preempted (a loaded machine) costs one second of hand-offs.
    public static let defaultBackOff: Duration = .seconds(1)
    /// The least time between two warnings.
    public static let defaultWarningInterval: Duration = .seconds(60)

    /// What a timed inline write found.
    public struct Verdict: Sendable, Equatable {
        /// The write was slow: a back-off has started.
        public var fellBack: Bool
        /// The warning to log now (nil when fast, or when one was logged less than ``warningInterval`` ago).
        public var warning: String?
    }

    public let threshold: Duration
    public let backOff: Duration
    public let warningInterval: Duration
    /// ``threshold``, ``backOff`` and ``warningInterval`` in nanoseconds, the clock's unit.
    private let thresholdNanoseconds: UInt64
    private let backOffNanoseconds: UInt64
    private let warningIntervalNanoseconds: UInt64
    /// Monotonic nanoseconds (injected in tests).
    private let clock: @Sendable () -> UInt64
    /// When callers may write inline again (monotonic nanoseconds); 0: they may now.
    private let resumeAt = Atomic<UInt64>(0)
    /// When the last warning was logged, and the back-offs since.
    private let warnings = Mutex<(last: UInt64?, unreported: Int)>((nil, 0))

    /// - Parameters:
    ///   - clock: Monotonic time in nanoseconds; `CLOCK_MONOTONIC` by default.
    public init(
        threshold: Duration = InlineWriteGuard.defaultThreshold, backOff: Duration = InlineWriteGuard.defaultBackOff,
        warningInterval: Duration = InlineWriteGuard.defaultWarningInterval,
        clock: @escaping @Sendable () -> UInt64 = InlineWriteGuard.monotonicNanoseconds
    ) {
        self.threshold = threshold
        self.backOff = backOff
        self.warningInterval = warningInterval
        thresholdNanoseconds = Self.nanoseconds(threshold)
        backOffNanoseconds = Self.nanoseconds(backOff)
        warningIntervalNanoseconds = Self.nanoseconds(warningInterval)
        self.clock = clock
    }

    /// `CLOCK_MONOTONIC` in nanoseconds.
    @Sendable public static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// Whether a caller may write inline now. Reads no clock unless a back-off is running.
    public func allowsInline() -> Bool {
        let resume = resumeAt.load(ordering: .relaxed)
        guard resume != 0 else { return true }
        guard clock() >= resume else { return false }
        _ = resumeAt.compareExchange(expected: resume, desired: 0, ordering: .relaxed)
        return true
    }

    /// The time an inline write starts (pass it to ``finished(startedAt:)``).
    public func start() -> UInt64 {
        clock()
    }

    /// An inline write that started at `start` has ended: starts a back-off when it took longer
    /// than ``threshold``.
    public func finished(startedAt start: UInt64) -> Verdict {
        let now = clock()
        let took = now &- start
        guard now >= start, took > thresholdNanoseconds else { return Verdict(fellBack: false, warning: nil) }
        resumeAt.store(max(1, now + backOffNanoseconds), ordering: .relaxed)
        let (due, count) = warnings.withLock { state -> (Bool, Int) in
            state.unreported += 1
            if let last = state.last, now - last < warningIntervalNanoseconds { return (false, state.unreported) }
            defer { (state.last, state.unreported) = (now, 0) }
            return (true, state.unreported)
        }
        guard due else { return Verdict(fellBack: true, warning: nil) }
        let warning =
            "routing log: an inline write took \(Self.milliseconds(took)) ms (over \(Self.milliseconds(thresholdNanoseconds)) ms); "
            + "log lines go through the writer thread for \(Self.milliseconds(backOffNanoseconds)) ms so that a slow disk does not "
            + "stall the event loops (\(count) such back-off(s) since the last warning; counted in /metrics as triage_log_inline_fallbacks_total)"
        return Verdict(fellBack: true, warning: warning)
    }

    /// Nanoseconds as milliseconds with up to three decimals.
    private static func milliseconds(_ nanoseconds: UInt64) -> String {
        let micro = nanoseconds / 1000
        let fraction = micro % 1000
        guard fraction != 0 else { return String(micro / 1000) }
        var decimals = String(fraction)
        decimals = String(repeating: "0", count: 3 - decimals.count) + decimals
        while decimals.hasSuffix("0") { decimals.removeLast() }
        return "\(micro / 1000).\(decimals)"
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds / 1_000_000_000))
    }
}
