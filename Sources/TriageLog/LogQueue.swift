import Synchronization

/// The queue in front of a routing log sink, shared by the JSONL file (``RoutingLogWriter``) and
/// the database sink: records waiting to be stored and who waits for each (``commit(_:)``), the
/// byte bound with the requests held back by it (``waitForRoom()``), the sink's counts, and
/// waking the sink's consumer (a thread or a task) when a record arrives while it sleeps.
///
/// The consumer ``take(limit:)``s batches, ``finish(_:bytes:outcomes:)``es them (which tells each
/// waiter whether its record was stored and lets held-back requests go once below the bound),
/// and calls ``sleepIfIdle()`` before it waits for the next wake-up. A caller may hold the
/// consumer's role for one batch of its own while the consumer sleeps (``commit(_:inline:)``).
public final class LogQueue: Sendable {
    /// A queued record and, for ``commit(_:)``, who waits for it.
    public struct Entry: Sendable {
        /// The record: rendered from the queued outcome by ``take(limit:)`` (a placeholder before).
        public internal(set) var record: RoutingLogRecord
        public var waiter: CheckedContinuation<Bool, Never>?
        /// The outcome as queued, until ``take(limit:)`` renders it into `record`.
        var outcome: (any RoutingLogOutcome)?
        /// The outcome's estimated bytes, counted once at enqueue.
        let size: Int
        /// Whether the observer has seen the record (a batch put back by ``requeue(_:bytes:)`` is not shown again).
        var observed = false

        init(_ outcome: any RoutingLogOutcome, waiter: CheckedContinuation<Bool, Never>?) {
            if let record = outcome as? RoutingLogRecord {
                self.record = record
            } else {
                self.record = RoutingLogRecord(id: outcome.id, timestamp: "", endpoint: "", reason: "", status: 0, latencyMs: 0)
                self.outcome = outcome
            }
            self.waiter = waiter
            self.size = outcome.estimatedSize
        }

        /// Renders the queued outcome (once), on the consumer's thread.
        mutating func render() {
            guard let outcome else { return }
            record = outcome.rendered()
            self.outcome = nil
        }
    }

    private struct State {
        var pending: [Entry] = []
        /// Estimated bytes of `pending` plus the batches the consumer holds.
        var pendingBytes = 0
        /// Estimated bytes of `pending` alone.
        var queuedBytes = 0
        /// Requests waiting for the queue to drain below `maxPendingBytes`.
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        /// True while the consumer waits for a wake-up.
        var sleeping = true
        /// True while a caller holds the consumer role (``commit(_:inline:)``): the consumer
        /// sleeps on, and whatever is queued meanwhile is handed to it when the caller is done.
        var leading = false
        var closing = false
        var status = RoutingLogWriter.Status()
    }

    /// Bytes of queued records past which ``waitForRoom()`` suspends.
    public let maxPendingBytes: Int
    private let state = Mutex(State())
    /// Told about each record once, on the consumer's thread (see ``observe(_:)``).
    private let observer = Mutex<Observer?>(nil)

    /// The observer in a struct: a bare closure in a generic `Mutex` is re-wrapped in two
    /// reabstraction thunks at every `withLock` (the inout round trip), nesting deeper each time.
    private struct Observer: Sendable {
        let tell: @Sendable (RoutingLogRecord) -> Void
    }
    private let wake: @Sendable () -> Void
    private let onError: @Sendable (String) -> Void

    /// - Parameters:
    ///   - wake: Wakes the consumer (called outside the lock, once per sleep).
    ///   - onError: Told about records refused after close.
    public init(maxPendingBytes: Int, onError: @escaping @Sendable (String) -> Void, wake: @escaping @Sendable () -> Void) {
        self.maxPendingBytes = max(1, maxPendingBytes)
        self.onError = onError
        self.wake = wake
    }

    /// Sets what is told about each record exactly once: on the consumer's thread when it takes
    /// the record (before the record is stored and before its ``commit(_:)`` returns), or at once
    /// when the queue refuses it after close. The request path hands a finished record over;
    /// what it feeds (metrics, the dashboard's views) is updated here, off that path, except
    /// for a caller holding the consumer's role (``commit(_:inline:)``), on whose thread it is.
    public func observe(_ observer: @escaping @Sendable (RoutingLogRecord) -> Void) {
        self.observer.withLock { $0 = Observer(tell: observer) }
    }

    /// Queues a record (or an outcome rendered into one on the consumer's thread) and returns at
    /// once (never drops it for a long queue; see ``waitForRoom()``).
    public func append(_ outcome: any RoutingLogOutcome) {
        enqueue(Entry(outcome, waiter: nil))
    }

    /// Queues a record (or an outcome) and returns once the consumer has stored it (true) or could
    /// not (false, counted as lost).
    public func commit(_ outcome: any RoutingLogOutcome) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            enqueue(Entry(outcome, waiter: continuation))
        }
    }

    /// Commits a record as ``commit(_:)`` does, but when the consumer role is free (the
    /// consumer asleep, nothing queued, not closing) the caller takes it without waking the
    /// consumer and stores the batch itself, on its own thread: its record first, plus whatever
    /// was queued meanwhile, as ``take(limit:)`` gives it. `store` must ``finish(_:bytes:outcomes:notices:report:update:)``
    /// the batch and return the caller's outcome, or return nil having stored nothing (the batch
    /// needs what the consumer should do: it is put back and handed to the consumer, and this
    /// waits for it). Afterwards the role goes back to sleep, or to the consumer (woken) when
    /// more was queued or the sink is closing: the caller stores one batch at most.
    public func commit(_ outcome: any RoutingLogOutcome, inline store: ([Entry], Int) -> Bool?) async -> Bool {
        let entry = Entry(outcome, waiter: nil)
        let leads = state.withLock { state -> Bool in
            guard state.sleeping, !state.leading, state.pending.isEmpty, !state.closing else { return false }
            state.sleeping = false
            state.leading = true
            state.pending.append(entry)
            state.pendingBytes += entry.size
            state.queuedBytes += entry.size
            return true
        }
        guard leads else {
            return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                var entry = entry
                entry.waiter = continuation
                enqueue(entry)
            }
        }
        // Nothing was queued when the role was taken and only the role's holder takes or puts
        // back: the caller's own record (no waiter) is the batch's first.
        let (batch, bytes, _) = take()
        if let stored = store(batch, bytes) {
            endLead()
            return stored
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            var batch = batch
            batch[0].waiter = continuation
            requeue(batch, bytes: bytes)
            endLead()
        }
    }

    /// Gives the role taken by ``commit(_:inline:)`` back: to sleep when nothing is queued,
    /// else to the consumer, woken (also to drain and stop when the sink is closing).
    private func endLead() {
        let handOff = state.withLock { state -> Bool in
            state.leading = false
            guard state.pending.isEmpty, !state.closing else { return true }
            state.sleeping = true
            return false
        }
        if handOff { wake() }
    }

    private func enqueue(_ entry: Entry) {
        let size = entry.size
        let (accepted, wakeConsumer) = state.withLock { state -> (Bool, Bool) in
            guard !state.closing else {
                state.status.lost += 1
                return (false, false)
            }
            state.pending.append(entry)
            state.pendingBytes += size
            state.queuedBytes += size
            defer { state.sleeping = false }
            return (true, state.sleeping)
        }
        if wakeConsumer { wake() }
        if !accepted {
            var entry = entry
            entry.render()
            observer.withLock { $0 }?.tell(entry.record)
            onError("routing log is closed; record \(entry.record.id) was not written")
            entry.waiter?.resume(returning: false)
        }
    }

    /// Returns at once while the queue holds less than `maxPendingBytes`; otherwise suspends
    /// until the consumer has brought it below (or the sink closes).
    public func waitForRoom() async {
        guard state.withLock({ $0.pendingBytes >= maxPendingBytes && !$0.closing }) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waits = state.withLock { state -> Bool in
                guard state.pendingBytes >= maxPendingBytes, !state.closing else { return false }
                state.roomWaiters.append(continuation)
                return true
            }
            if !waits { continuation.resume() }
        }
    }

    /// Takes up to `limit` queued entries (oldest first), their estimated bytes, and whether the
    /// sink is closing; each outcome is rendered into its record here, on the consumer's thread,
    /// and the observer sees each record not seen before, in order, before this returns.
    public func take(limit: Int = .max) -> (batch: [Entry], bytes: Int, closing: Bool) {
        var (batch, bytes, closing) = state.withLock { state -> ([Entry], Int, Bool) in
            if limit >= state.pending.count {
                let batch = state.pending
                let bytes = state.queuedBytes
                state.pending.removeAll(keepingCapacity: true)
                state.queuedBytes = 0
                return (batch, bytes, state.closing)
            }
            let batch = Array(state.pending.prefix(limit))
            state.pending.removeFirst(limit)
            let bytes = batch.reduce(0) { $0 + $1.size }
            state.queuedBytes -= bytes
            return (batch, bytes, state.closing)
        }
        let observer = observer.withLock { $0 }
        for index in batch.indices where !batch[index].observed {
            batch[index].render()
            observer?.tell(batch[index].record)
            batch[index].observed = true
        }
        return (batch, bytes, closing)
    }

    /// Puts a taken batch back at the front of the queue (its consumer cannot store it now).
    public func requeue(_ batch: [Entry], bytes: Int) {
        state.withLock {
            $0.pending.insert(contentsOf: batch, at: 0)
            $0.queuedBytes += bytes
        }
    }

    /// Marks the consumer asleep when nothing is queued and the sink is not closing: then the
    /// next record wakes it. False: there is work, do not sleep.
    public func sleepIfIdle() -> Bool {
        state.withLock { state -> Bool in
            guard state.pending.isEmpty, !state.closing else { return false }
            state.sleeping = true
            return true
        }
    }

    /// Tells each waiter of `batch` its outcome (`outcomes[i]` for `batch[i]`; one for all when
    /// `outcomes` has one value), counts written and lost records, takes the batch's bytes off
    /// the bound and lets waiting requests go once below it. `update` changes the counts further
    /// under the same lock and returns a message, which goes to `report` (with `notices` before
    /// it) before any waiter is resumed: whoever's commit returned can already see it.
    public func finish(
        _ batch: [Entry], bytes: Int, outcomes: [Bool], notices: [String] = [], report: (String) -> Void = { _ in },
        update: (inout RoutingLogWriter.Status, _ lost: Int) -> String? = { _, _ in nil }
    ) {
        let written = outcomes.count == 1 ? (outcomes[0] ? batch.count : 0) : outcomes.lazy.filter { $0 }.count
        let lost = batch.count - written
        let (ready, message) = state.withLock { state -> ([CheckedContinuation<Void, Never>], String?) in
            state.status.written += written
            state.status.lost += lost
            let message = update(&state.status, lost)
            state.pendingBytes = max(0, state.pendingBytes - bytes)
            guard state.pendingBytes < maxPendingBytes, !state.roomWaiters.isEmpty else { return ([], message) }
            defer { state.roomWaiters.removeAll() }
            return (state.roomWaiters, message)
        }
        for notice in notices { report(notice) }
        if let message { report(message) }
        for (index, entry) in batch.enumerated() {
            entry.waiter?.resume(returning: outcomes.count == 1 ? outcomes[0] : outcomes[index])
        }
        for waiter in ready { waiter.resume() }
    }

    /// Changes the counts (for what is not a batch's outcome).
    public func updateStatus<Result: Sendable>(_ body: (inout RoutingLogWriter.Status) -> Result) -> Result {
        state.withLock { body(&$0.status) }
    }

    /// Marks the sink closing (appends are refused from now on), lets waiting requests go and
    /// wakes the consumer (or leaves that to the caller holding its role, when done). False
    /// when it was closing already.
    public func close() -> Bool {
        let (first, waiters, leading) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>], Bool) in
            if state.closing { return (false, [], false) }
            state.closing = true
            defer { state.roomWaiters.removeAll() }
            return (true, state.roomWaiters, state.leading)
        }
        guard first else { return false }
        for waiter in waiters { waiter.resume() }
        if !leading { wake() }
        return true
    }

    public var isClosing: Bool { state.withLock { $0.closing } }

    /// Whether the consumer is asleep with nothing queued and no caller holds its role: the
    /// next ``commit(_:inline:)`` then writes on its caller's thread.
    var isIdle: Bool { state.withLock { $0.sleeping && !$0.leading && $0.pending.isEmpty } }
    /// Estimated bytes of records queued (or being stored) but not yet stored.
    public var pendingBytes: Int { state.withLock { $0.pendingBytes } }
    /// Number of requests waiting in ``waitForRoom()``.
    public var roomWaiterCount: Int { state.withLock { $0.roomWaiters.count } }
    /// Number of records queued but not yet taken.
    public var pendingCount: Int { state.withLock { $0.pending.count } }
    /// Records written and lost, and whether the sink is failing now.
    public var status: RoutingLogWriter.Status { state.withLock { $0.status } }
}
