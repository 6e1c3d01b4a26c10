import Synchronization

/// State of one transfer shared between the caller side (execute's cancellation handler,
/// the body stream and its iterator) and the event-loop thread. All state is in a `Mutex`.
final class TransferControl: Sendable {
    /// How a transfer ended, as far as the body consumer needs to know.
    enum Outcome: Sendable {
        case running
        case completed
        case failed
    }

    /// Body bytes yielded but not yet taken by the consumer above which curl is paused.
    static let pauseThreshold = 1 << 20
    /// Buffered bytes at or below which a paused transfer is resumed.
    static let resumeThreshold = 256 << 10

    private struct State {
        var cancelRequested = false
        var outcome = Outcome.running
        var bufferedBytes = 0
        var paused = false
        /// Gives back the transfer's connection slot, once, when it ends.
        var releaseSlot: (@Sendable () -> Void)?
    }

    /// Unique id of the transfer within its client.
    let id: Int
    private let loop: CurlEventLoop
    private let state = Mutex(State())

    init(id: Int, loop: CurlEventLoop) {
        self.id = id
        self.loop = loop
    }

    /// Requests that the transfer be aborted. Safe to call any number of times, from any
    /// thread, before or after the transfer started or finished.
    func cancel() {
        let shouldNotify = state.withLock { state -> Bool in
            let first = !state.cancelRequested && state.outcome == .running
            state.cancelRequested = true
            return first
        }
        if shouldNotify {
            loop.enqueue(.cancel(id: id))
        }
    }

    /// Whether `cancel()` has been called.
    var isCancelRequested: Bool {
        state.withLock { $0.cancelRequested }
    }

    /// How the transfer ended (or `.running`).
    var outcome: Outcome {
        state.withLock { $0.outcome }
    }

    /// Body bytes handed to the stream but not yet consumed.
    var bufferedBytes: Int {
        state.withLock { $0.bufferedBytes }
    }

    /// Records the end of the transfer. Called by the loop thread before finishing the stream.
    func markFinished(_ outcome: Outcome) {
        let release = state.withLock { state -> (@Sendable () -> Void)? in
            state.outcome = outcome
            defer { state.releaseSlot = nil }
            return state.releaseSlot
        }
        release?()
    }

    /// Runs `release` when the transfer ends (at once if it already has).
    func onFinish(_ release: @escaping @Sendable () -> Void) {
        let finished = state.withLock { state -> Bool in
            guard state.outcome == .running else { return true }
            state.releaseSlot = release
            return false
        }
        if finished { release() }
    }

    /// Loop thread: asks to buffer `count` more bytes. Returns `false` (and marks the transfer
    /// paused) when the consumer is too far behind; curl must then be told to pause.
    func reserve(_ count: Int) -> Bool {
        state.withLock { state -> Bool in
            if state.bufferedBytes > 0 && state.bufferedBytes + count > Self.pauseThreshold {
                state.paused = true
                return false
            }
            state.bufferedBytes += count
            return true
        }
    }

    /// Consumer side: `count` bytes were taken from the stream. Resumes a paused transfer
    /// once the backlog is small enough.
    func consumed(_ count: Int) {
        let shouldResume = state.withLock { state -> Bool in
            state.bufferedBytes -= count
            if state.paused && state.bufferedBytes <= Self.resumeThreshold {
                state.paused = false
                return true
            }
            return false
        }
        if shouldResume {
            loop.enqueue(.resume(id: id))
        }
    }
}
