import CoreMetrics
import Synchronization

/// A counter fed from a running total kept elsewhere (the routing log writer's counts): each
/// ``bring(to:)`` adds what the total grew by since the last one.
final class RunningTotalCounter: Sendable {
    private let counter: CoreMetrics.Counter
    private let reported = Mutex(0)

    init(_ counter: CoreMetrics.Counter) {
        self.counter = counter
    }

    /// Moves the counter up to `total` (never down).
    func bring(to total: Int) {
        let delta = reported.withLock { reported -> Int in
            defer { reported = max(reported, total) }
            return max(0, total - reported)
        }
        if delta > 0 { counter.increment(by: delta) }
    }
}
