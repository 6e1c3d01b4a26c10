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
/// landed after all, stores each record once. A row PostgreSQL itself refuses (a constraint or
/// a value it cannot hold: SQLSTATE class 22 or 23) is not retried forever: it goes to the
/// dead-letter file (`<log.path>.dead-letter`, JSONL, 0600) and the rest of its batch is stored.
///
/// The spool is bounded by `spool_max_bytes`: past it, records stay queued in memory and
/// ``waitForRoom()`` holds new requests once the queue passes `maxPendingBytes`, as the file sink does.
public final class PostgresLogSink: RoutingLogSink {
    struct State {
        /// Set once the writer task has returned.
        var stopped = false
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
        /// Records the database refused (written to the dead-letter file instead), since start.
        public var deadLettered = 0
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
    /// Where refused rows go (opened on the first one).
    public let deadLetterPath: String
    let deadLetterMode: mode_t
    let deadLetter = Mutex<LogSpool?>(nil)
    let queue: LogQueue
    let signal: AsyncSignal
    let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)
    let onError: @Sendable (String) -> Void

    /// Opens the spool (`spoolPath`, created 0600) and starts the writer task. Call
    /// ``PostgresStore/migrate()`` first.
    /// - Parameter deadLetterPath: where rows the database refuses go (default: the spool's path
    ///   with `.dead-letter` for `.spool`).
    public init(
        store: PostgresStore, spoolPath: String, deadLetterPath: String? = nil, spoolMaxBytes: Int = 1 << 30,
        writeTimeout: Duration = .seconds(2), retentionDays: Int? = nil,
        maxPendingBytes: Int = RoutingLogWriter.defaultMaxPendingBytes, fileMode: mode_t = 0o600,
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
        self.deadLetterPath = deadLetterPath ?? Self.deadLetterPath(spoolPath: spoolPath)
        self.deadLetterMode = fileMode
        let signal = AsyncSignal()
        self.signal = signal
        self.queue = LogQueue(maxPendingBytes: maxPendingBytes, onError: onError) { signal.signal() }
        state.withLock {
            $0.database.spoolRecords = spool.records
            $0.database.spoolBytes = spool.size
            if !spool.isEmpty { $0.database.state = "spooling" }
        }
        self.spool = Mutex(spool)
        Task.detached { [self] in
            // The writer sleeps until a record comes; the ticker wakes it for what has no record
            // to come with it: retrying the spool, retention.
            let ticker = Task { [self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    if self.retentionDays != nil || self.spool.withLock({ !$0.isEmpty }) { self.signal.signal() }
                }
            }
            // Migrates the schema at start (feedback and budgets need it before the first insert),
            // then moves feedback that waited for its request (another replica's, not stored yet) into place.
            let maintenance = Task { [store, inserter] in
                try? await inserter.ensureMigrated()
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.reconcileInterval)
                    if Task.isCancelled { return }
                    _ = try? await store.reconcilePendingFeedback()
                }
            }
            await self.run()
            ticker.cancel()
            maintenance.cancel()
            self.state.withLock { $0.stopped = true }
            self.finished.signal()
        }
    }

    /// How often pending feedback is matched to the log.
    static let reconcileInterval: Duration = .seconds(2)

    /// `<log.path>.dead-letter` for the spool `<log.path>.spool`.
    public static func deadLetterPath(spoolPath: String) -> String {
        (spoolPath.hasSuffix(".spool") ? String(spoolPath.dropLast(6)) : spoolPath) + ".dead-letter"
    }

    public var spoolPath: String { spool.withLock { $0.path } }

    public func append(_ outcome: any RoutingLogOutcome) { queue.append(outcome) }
    public func commit(_ outcome: any RoutingLogOutcome) async -> Bool { await queue.commit(outcome) }
    public func waitForRoom() async { await queue.waitForRoom() }
    public func observe(_ observer: @escaping @Sendable (RoutingLogRecord) -> Void) { queue.observe(observer) }
    public var pendingCount: Int { queue.pendingCount }
    public var status: RoutingLogWriter.Status { queue.status }
    public var databaseStatus: DatabaseStatus { state.withLock { $0.database } }

    /// Stores what is queued (in the database, or the spool), stops the writer and the pool.
    /// Blocks the calling thread until then (the server's shutdown); see ``shutdown()``.
    public func close() {
        guard queue.close() else { return }
        finished.wait()
        finishClose()
    }

    /// The same as ``close()``, suspending instead of blocking a thread.
    public func shutdown() async {
        guard queue.close() else { return }
        while !state.withLock({ $0.stopped }) { try? await Task.sleep(for: .milliseconds(10)) }
        finishClose()
    }

    private func finishClose() {
        state.withLock { $0.database.state = "closed" }
        store.close()
    }

    /// Waits until a record arrives, the sink closes, or the ticker calls (only when there is
    /// something to do: a spool to retry, retention). Returns at once when records are queued.
    func waitForWork() async {
        if queue.sleepIfIdle() { await signal.wait() }
    }

    /// Tells each waiter of `batch` whether its record was stored, and lets waiting requests go.
    func finish(_ batch: [LogQueue.Entry], bytes: Int, stored: Bool, error: String? = nil) {
        queue.finish(batch, bytes: bytes, outcomes: [stored], update: { status, _ in
            if let error { status.lastError = error }
            return nil
        })
    }
}
