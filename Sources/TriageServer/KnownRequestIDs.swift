import Foundation
import Synchronization
import TriageFlywheel

/// Every request id in the routing log, as 64-bit keys in memory, so feedback checks an id in
/// constant time instead of reading the log.
///
/// At start-up a background thread (not a thread of the request pool) scans the log files,
/// rotated ones included, for the ids they hold; ids of requests answered since are added as
/// their records are written. About 16 bytes of memory per logged request.
final class KnownRequestIDs: Sendable {
    private struct State {
        var keys: Set<UInt64> = []
        var loaded = false
    }

    private let state = Mutex(State())

    init() {}

    /// Starts scanning the routing log at `logPath` (and its rotated files) on a thread of its
    /// own; `onLoaded` gets the number of ids found, the bytes read and the milliseconds taken.
    func startLoading(logPath: String, onLoaded: @escaping @Sendable (Int, Int, Double) -> Void = { _, _, _ in }) {
        BackgroundWork.start(name: "triage-request-id-index") { [self] in
            let started = ContinuousClock.now
            let files = (try? LogFiles.list(path: logPath)) ?? []
            let (keys, bytes) = RequestIDScan.scan(files: files)
            let elapsed = ContinuousClock.now - started
            let millis = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            var merged = keys
            state.withLock { state in
                // The ids added meanwhile (few) join the scanned set, not the other way round.
                merged.formUnion(state.keys)
                state.keys = merged
                state.loaded = true
            }
            onLoaded(keys.count, bytes, millis)
        }
    }

    /// Marks the index as complete without a scan (the database sink: ids are looked up there).
    func markLoaded() {
        state.withLock { $0.loaded = true }
    }

    func insert(_ id: String) {
        guard let key = RequestIDScan.key(id) else { return }
        _ = state.withLock { $0.keys.insert(key) }
    }

    /// Whether `id` is a logged request's id; `nil` while the log is still being scanned after
    /// waiting up to `wait` (without holding a thread).
    func contains(_ id: String, wait: Duration) async -> Bool? {
        guard let key = RequestIDScan.key(id) else { return false }
        let deadline = ContinuousClock.now + wait
        while true {
            let answer: Bool? = state.withLock { $0.loaded || $0.keys.contains(key) ? $0.keys.contains(key) : nil }
            if let answer { return answer }
            guard ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
