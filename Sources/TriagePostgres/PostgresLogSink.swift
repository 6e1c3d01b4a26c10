import Foundation
import Synchronization
import TriageJSON
import TriageLog

/// The routing log in PostgreSQL, with the JSONL file's guarantees.
///
/// ``commit(_:)`` returns once the record is stored: in the database (a batch of whatever arrived
/// meanwhile, one multi-row `INSERT`), or, when the database is down or slower than
/// `write_timeout_ms`, in the local spool file. Once anything is spooled, every later record
/// goes to the spool too, behind it, and the writer replays the spool into the database in
/// order as soon as it answers again; only an empty spool switches back to direct inserts. The
/// record id is the key (`ON CONFLICT DO NOTHING`), so a replay, or an insert that timed out but
/// landed after all, stores each record once.
///
/// The spool is bounded by `spool_max_bytes`: past it, records stay queued in memory and
/// ``waitForRoom()`` holds new requests once the queue passes `maxPendingBytes`, as the file sink does.
public final class PostgresLogSink: RoutingLogSink {
    /// A queued record and, for ``commit(_:)``, who waits for it.
    struct Entry {
        var record: RoutingLogRecord
        var waiter: CheckedContinuation<Bool, Never>?
    }

    struct State {
        var pending: [Entry] = []
        var pendingBytes = 0
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        var wake: CheckedContinuation<Void, Never>?
        var signalled = false
        var closing = false
        /// Set once the writer task has returned.
        var stopped = false
        var status = RoutingLogWriter.Status()
        var database = DatabaseStatus()
    }

    /// The sink's own state, for `/v1/triage/status` and `/metrics`.
    public struct DatabaseStatus: Sendable, Equatable {
        /// `direct` (inserting), `spooling` (the database is down or slow) or `closed`.
        public var state = "direct"
        /// Records in the spool, waiting for the database.
        public var spoolRecords = 0
        /// Bytes in the spool.
        public var spoolBytes = 0
        /// Records that went to the spool, and that were replayed from it, since start.
        public var spooled = 0
        public var replayed = 0
        /// Records the database already had when inserted (replays of stored records).
        public var duplicates = 0
        /// The last database error, if any (never the URL).
        public var lastError: String?
    }

    public let store: PostgresStore
    public let maxPendingBytes: Int
    let spoolMaxBytes: Int
    let writeTimeout: Duration
    let retentionDays: Int?
    let inserter: LogInserter
    let spool: Mutex<LogSpool>
    let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)
    let onError: @Sendable (String) -> Void

    /// Opens the spool (`spoolPath`, created 0600) and starts the writer task. Call
    /// ``PostgresStore/migrate()`` first.
    public init(
        store: PostgresStore, spoolPath: String, spoolMaxBytes: Int = 1 << 30, writeTimeout: Duration = .seconds(2),
        retentionDays: Int? = nil, maxPendingBytes: Int = RoutingLogWriter.defaultMaxPendingBytes, fileMode: mode_t = 0o600,
        onError: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(PostgresStoreError) {
        let spool = try LogSpool(path: spoolPath, mode: fileMode)
        self.store = store
        self.spoolMaxBytes = max(1, spoolMaxBytes)
        self.writeTimeout = writeTimeout
        self.retentionDays = retentionDays
        self.maxPendingBytes = max(1, maxPendingBytes)
        self.inserter = LogInserter(store: store)
        self.onError = onError
        state.withLock {
            $0.database.spoolRecords = spool.records
            $0.database.spoolBytes = spool.size
            if !spool.isEmpty { $0.database.state = "spooling" }
        }
        self.spool = Mutex(spool)
        Task.detached { [self] in
            await self.run()
            self.state.withLock { $0.stopped = true }
            self.finished.signal()
        }
    }

    public var spoolPath: String { spool.withLock { $0.path } }

    public func append(_ record: RoutingLogRecord) {
        enqueue(Entry(record: record, waiter: nil))
    }

    public func commit(_ record: RoutingLogRecord) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            enqueue(Entry(record: record, waiter: continuation))
        }
    }

    private func enqueue(_ entry: Entry) {
        let (accepted, wake) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !state.closing else {
                state.status.lost += 1
                return (false, nil)
            }
            state.pending.append(entry)
            state.pendingBytes += entry.record.estimatedSize
            state.signalled = true
            defer { state.wake = nil }
            return (true, state.wake)
        }
        wake?.resume()
        if !accepted {
            onError("routing log is closed; record \(entry.record.id) was not written")
            entry.waiter?.resume(returning: false)
        }
    }

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

    public var pendingCount: Int { state.withLock { $0.pending.count } }
    public var status: RoutingLogWriter.Status { state.withLock { $0.status } }
    public var databaseStatus: DatabaseStatus { state.withLock { $0.database } }

    /// Stores what is queued (in the database, or the spool), stops the writer and the pool.
    /// Blocks the calling thread until then (the server's shutdown); see ``shutdown()``.
    public func close() {
        guard beginClose() else { return }
        finished.wait()
        finishClose()
    }

    /// The same as ``close()``, suspending instead of blocking a thread.
    public func shutdown() async {
        guard beginClose() else { return }
        while !state.withLock({ $0.stopped }) { try? await Task.sleep(for: .milliseconds(10)) }
        finishClose()
    }

    private func beginClose() -> Bool {
        let (first, wake, waiters) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?, [CheckedContinuation<Void, Never>]) in
            if state.closing { return (false, nil, []) }
            state.closing = true
            state.signalled = true
            defer {
                state.wake = nil
                state.roomWaiters.removeAll()
            }
            return (true, state.wake, state.roomWaiters)
        }
        wake?.resume()
        for waiter in waiters { waiter.resume() }
        return first
    }

    private func finishClose() {
        state.withLock { $0.database.state = "closed" }
        store.close()
    }

    /// Waits until a record arrives, the sink closes, or `timeout` passes.
    func waitForWork(timeout: Duration) async {
        let task = Task { [self] in
            try? await Task.sleep(for: timeout)
            let wake = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.wake = nil }
                return state.wake
            }
            wake?.resume()
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.signalled {
                    state.signalled = false
                    return true
                }
                state.wake = continuation
                return false
            }
            if ready { continuation.resume() }
        }
        task.cancel()
        state.withLock { $0.signalled = false }
    }

    /// Takes the queue (up to `limit` entries), and whether the sink is closing.
    func takeQueue(limit: Int = 4_000) -> (batch: [Entry], bytes: Int, closing: Bool) {
        state.withLock { state in
            let count = min(limit, state.pending.count)
            let batch = Array(state.pending.prefix(count))
            state.pending.removeFirst(count)
            if !state.pending.isEmpty { state.signalled = true }
            return (batch, batch.reduce(0) { $0 + $1.record.estimatedSize }, state.closing)
        }
    }

    /// Puts a batch back at the front of the queue (the spool is full).
    func requeue(_ batch: [Entry]) {
        state.withLock { $0.pending.insert(contentsOf: batch, at: 0) }
    }

    /// Tells each waiter of `batch` whether its record was stored, and lets waiting requests go.
    func finish(_ batch: [Entry], bytes: Int, stored: Bool, error: String? = nil) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            if stored { state.status.written += batch.count } else { state.status.lost += batch.count }
            if let error { state.status.lastError = error }
            state.pendingBytes = max(0, state.pendingBytes - bytes)
            guard state.pendingBytes < maxPendingBytes else { return [] }
            defer { state.roomWaiters.removeAll() }
            return state.roomWaiters
        }
        for entry in batch { entry.waiter?.resume(returning: stored) }
        for waiter in waiters { waiter.resume() }
    }
}
