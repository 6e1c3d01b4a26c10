import Foundation
import Synchronization
import TriageJSON

import Glibc

/// Appends routing log records to a JSONL file from a background thread, by group commit.
///
/// Encoding and `write(2)` happen on the writer's own thread. ``commit(_:)`` queues a record and
/// suspends the caller until the batch holding it has been written (to the page cache: one
/// `write(2)` per batch, no `fsync`), so a request can finish its answer only once its line is
/// in the file: a crash of the process loses no line of an answer a client saw complete.
/// Records that arrive while a batch is being written go out together in the next one, so the
/// cost stays one write per batch, not per request. ``append(_:)`` queues without waiting.
///
/// Write failures are not silent: every record not written is counted (``status``), reported
/// through `onError` when the log starts and stops failing, and its waiter told so (``commit(_:)``
/// returns false). A failed write is cut back off the file, so the next record starts on a line
/// of its own. Before each batch the writer checks that the path still names its open file and
/// opens it again (recreating the directory) when it was deleted or replaced.
///
/// The queue is bounded in bytes, not by dropping: when records waiting to be written (the
/// batch being written included) pass `maxPendingBytes`, ``waitForRoom()`` suspends new requests
/// until the writer catches up.
public final class RoutingLogWriter: Sendable {
    /// A queued record and, for ``commit(_:)``, who waits for it.
    private struct Entry {
        var record: RoutingLogRecord
        var waiter: CheckedContinuation<Bool, Never>?
    }

    private struct State {
        var pending: [Entry] = []
        /// Estimated bytes of `pending` plus the batch the writer holds.
        var pendingBytes = 0
        /// Estimated bytes of `pending` alone.
        var queuedBytes = 0
        /// Requests waiting for the queue to drain below `maxPendingBytes`.
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        /// True while the writer thread waits for a signal.
        var sleeping = true
        var closing = false
        var status = Status()
    }

    /// What the writer has done so far: for `/metrics` and `/v1/triage/status`.
    public struct Status: Sendable, Equatable {
        /// Records written.
        public var written = 0
        /// Records that could not be written (write errors, a log that cannot be opened, appends after close).
        public var lost = 0
        /// True from a failed write until the next write that succeeds.
        public var failing = false
        /// The last write or open error, if any.
        public var lastError: String?
        /// Times the file was opened again because its path no longer named it (deleted or replaced).
        public var reopened = 0

        public init(written: Int = 0, lost: Int = 0, failing: Bool = false, lastError: String? = nil, reopened: Int = 0) {
            (self.written, self.lost, self.failing, self.lastError, self.reopened) = (written, lost, failing, lastError, reopened)
        }
    }

    /// The open file, or why there is none; touched by the writer thread (and by `close()` once that thread has finished).
    private struct FileState {
        var file: LogFile?
        /// Memory of the last batch's buffer, reused by the next (see `write(_:)`).
        var scratch: [UInt8] = []
    }

    /// A batch is written out whenever its encoded lines pass this size, so the buffer stays
    /// small (and warm in cache) however many records a batch holds.
    private static let flushBytes = 1 << 20

    /// Path of the log file.
    public let path: String
    /// Bytes of queued records past which ``waitForRoom()`` suspends.
    public let maxPendingBytes: Int
    /// Permission bits of the log file (and of the files rotated from it).
    public let fileMode: mode_t
    private let rotation: LogRotationPolicy?
    private let file: Mutex<FileState>
    private let state: Mutex<State>
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let onError: @Sendable (String) -> Void
    private let writeFunction: LogFile.WriteFunction

    /// Opens (creating if needed, with its directory) the log file for appending and starts the writer thread.
    /// - Parameters:
    ///   - path: The JSONL file to append to.
    ///   - rotation: When to rotate the file (`path` → `path.1` → ...); `nil` never rotates.
    ///   - maxPendingBytes: Bytes of queued records past which ``waitForRoom()`` suspends callers (default 64 MiB).
    ///   - fileMode: Permission bits of the file (default `0600`: the log holds every prompt).
    ///   - onError: Called (on the writer thread) with a message when the log starts or stops failing.
    public convenience init(
        path: String, rotation: LogRotationPolicy? = nil, maxPendingBytes: Int = RoutingLogWriter.defaultMaxPendingBytes,
        fileMode: mode_t = RoutingLogWriter.defaultFileMode, onError: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(RoutingLogError) {
        try self.init(
            path: path, rotation: rotation, maxPendingBytes: maxPendingBytes, fileMode: fileMode,
            writeFunction: { Glibc.write($0, $1, $2) }, onError: onError
        )
    }

    /// The same, writing through `writeFunction` instead of `write(2)` (tests of the failure paths).
    init(
        path: String, rotation: LogRotationPolicy?, maxPendingBytes: Int, fileMode: mode_t,
        writeFunction: @escaping LogFile.WriteFunction, onError: @escaping @Sendable (String) -> Void
    ) throws(RoutingLogError) {
        let opened = try LogFile.open(path: path, mode: fileMode)
        self.path = path
        self.rotation = rotation
        self.maxPendingBytes = max(1, maxPendingBytes)
        self.fileMode = fileMode
        self.file = Mutex(FileState(file: opened))
        self.state = Mutex(State())
        self.onError = onError
        self.writeFunction = writeFunction
        let thread = Thread { [self] in self.run() }
        thread.name = "triage-routing-log"
        thread.start()
    }

    /// Default bound of the queue: 64 MiB of records waiting to be written.
    public static let defaultMaxPendingBytes = 64 * 1024 * 1024
    /// Default permission bits of the log: owner read/write only.
    public static let defaultFileMode: mode_t = 0o600

    /// Queues a record for writing and returns at once. Never blocks on I/O and never drops a
    /// record because the queue is long: callers that want back-pressure call ``waitForRoom()`` first.
    ///
    /// Records appended after ``close()`` are not written (counted as lost and reported through `onError`).
    public func append(_ record: RoutingLogRecord) {
        enqueue(Entry(record: record, waiter: nil))
    }

    /// Queues a record and returns once the batch holding it has been written: true when its
    /// line is in the file (the page cache), false when it could not be written (counted in
    /// ``status`` as lost).
    public func commit(_ record: RoutingLogRecord) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            enqueue(Entry(record: record, waiter: continuation))
        }
    }

    private func enqueue(_ entry: Entry) {
        let size = entry.record.estimatedSize
        let (accepted, wakeWriter) = state.withLock { state -> (Bool, Bool) in
            guard !state.closing else {
                state.status.lost += 1
                return (false, false)
            }
            state.pending.append(entry)
            state.pendingBytes += size
            state.queuedBytes += size
            let wakeWriter = state.sleeping
            state.sleeping = false
            return (true, wakeWriter)
        }
        if wakeWriter { wake.signal() }
        if !accepted {
            onError("routing log is closed; record \(entry.record.id) was not written")
            entry.waiter?.resume(returning: false)
        }
    }

    /// Returns at once while the queue holds less than `maxPendingBytes`; otherwise suspends
    /// until the writer has brought it below (or the writer closes). Call it before taking on
    /// work whose record will be appended, so that a slow disk pushes back on new requests.
    public func waitForRoom() async {
        let full = state.withLock { $0.pendingBytes >= maxPendingBytes && !$0.closing }
        guard full else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waits = state.withLock { state -> Bool in
                guard state.pendingBytes >= maxPendingBytes, !state.closing else { return false }
                state.roomWaiters.append(continuation)
                return true
            }
            if !waits { continuation.resume() }
        }
    }

    /// Estimated bytes of records queued (or being written) but not yet written.
    public var pendingBytes: Int { state.withLock { $0.pendingBytes } }

    /// Number of requests waiting in ``waitForRoom()``.
    public var roomWaiterCount: Int { state.withLock { $0.roomWaiters.count } }

    /// Number of records queued but not yet written.
    public var pendingCount: Int { state.withLock { $0.pending.count } }

    /// Number of records written so far.
    public var writtenCount: Int { state.withLock { $0.status.written } }

    /// Records written and lost, and whether the log is failing now.
    public var status: Status { state.withLock { $0.status } }

    /// Writes everything queued, stops the writer thread and closes the file. Idempotent.
    public func close() {
        let first = state.withLock { state -> Bool in
            if state.closing { return false }
            state.closing = true
            return true
        }
        guard first else { return }
        for waiter in state.withLock({ state -> [CheckedContinuation<Void, Never>] in
            defer { state.roomWaiters.removeAll() }
            return state.roomWaiters
        }) {
            waiter.resume()
        }
        wake.signal()
        finished.wait()
        file.withLock { state in
            state.file?.close()
            state.file = nil
        }
    }

    private func run() {
        var sleep = true
        while true {
            if sleep { wake.wait() }
            let (batch, batchBytes, closing) = takeQueue()
            if !batch.isEmpty {
                write(batch)
                release(bytes: batchBytes)
            }
            if closing {
                // Records may have been queued between the swap above and `closing` being set.
                let (rest, restBytes, _) = takeQueue()
                if !rest.isEmpty {
                    write(rest)
                    release(bytes: restBytes)
                }
                finished.signal()
                return
            }
            // Group commit: what arrived while this batch was written goes out at once as the
            // next batch; only an empty queue puts the writer to sleep until the next append.
            sleep = state.withLock { state -> Bool in
                guard state.pending.isEmpty, !state.closing else { return false }
                state.sleeping = true
                return true
            }
        }
    }

    private func takeQueue() -> ([Entry], Int, Bool) {
        state.withLock { state -> ([Entry], Int, Bool) in
            let batch = state.pending
            let bytes = state.queuedBytes
            state.pending.removeAll(keepingCapacity: true)
            state.queuedBytes = 0
            return (batch, bytes, state.closing)
        }
    }

    /// Takes a written batch's bytes off the queue's count and lets waiting requests go once below the bound.
    private func release(bytes: Int) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.pendingBytes = max(0, state.pendingBytes - bytes)
            guard state.pendingBytes < maxPendingBytes, !state.roomWaiters.isEmpty else { return [] }
            defer { state.roomWaiters.removeAll() }
            return state.roomWaiters
        }
        for waiter in ready { waiter.resume() }
    }

    /// Encodes `batch` straight into one reused buffer and writes it with as few `write(2)`
    /// calls as the size allows; then tells each waiter whether its record was written.
    private func write(_ batch: [Entry]) {
        var outcomes = [Bool](repeating: false, count: batch.count)
        var errors: [String] = []
        var notices: [String] = []
        var reopened = 0
        file.withLock { state in
            if let message = ensureOpen(&state.file, reopened: &reopened) {
                if state.file == nil { errors.append(message) } else { notices.append(message) }
            }
            guard var current = state.file else { return }
            defer { state.file = current }
            rotateIfNeeded(&current)
            var storage: [UInt8] = []
            swap(&storage, &state.scratch)  // moved out, so emptying it keeps its memory
            var out = JSONWriter(reusing: consume storage)
            out.reserveCapacity(min(batch.reduce(0) { $0 + $1.record.estimatedSize + 64 }, Self.flushBytes * 2))
            var first = 0
            for index in batch.indices {
                batch[index].record.writeJSONLine(to: &out)
                // A size limit is honoured within a batch too: flush, then rotate, between lines.
                let atLimit = rotation?.maxBytes.map { current.size + out.count >= $0 } ?? false
                if atLimit || out.count >= Self.flushBytes || index == batch.count - 1 {
                    let error = current.append(out.bytes, using: writeFunction)
                    out.removeAll()
                    for done in first...index { outcomes[done] = error == nil }
                    first = index + 1
                    if let error { errors.append("cannot write routing log '\(path)': \(String(cString: strerror(error)))") }
                    if atLimit { rotateIfNeeded(&current) }
                }
            }
            // Keep the memory for the next batch, unless one huge record made it large.
            if out.bytes.capacity <= Self.flushBytes * 4 {
                state.scratch = out.bytes
            }
        }
        let written = outcomes.lazy.filter { $0 }.count
        let lost = batch.count - written
        let transition = state.withLock { state -> String? in
            state.status.written += written
            state.status.lost += lost
            state.status.reopened += reopened
            let wasFailing = state.status.failing
            if let error = errors.last { state.status.lastError = error }
            state.status.failing = lost > 0
            if state.status.failing && !wasFailing {
                return "\(errors.last ?? "routing log write failed"); \(lost) record(s) lost so far in this outage (counted in /metrics as triage_routing_log_lost_records_total)"
            }
            if wasFailing && !state.status.failing {
                return "routing log '\(path)' is written again; \(state.status.lost) record(s) lost in total since start"
            }
            return nil
        }
        for message in notices { onError(message) }
        if let transition { onError(transition) }
        for (entry, ok) in zip(batch, outcomes) { entry.waiter?.resume(returning: ok) }
    }

    /// Opens the path again when there is no open file or the path no longer names it
    /// (deleted, directory removed, renamed away and replaced). Returns a message when it had to.
    private func ensureOpen(_ file: inout LogFile?, reopened: inout Int) -> String? {
        if let current = file, current.isCurrent { return nil }
        do {
            let fresh = try LogFile.open(path: path, mode: fileMode)
            file?.close()
            file = fresh
            reopened += 1
            return "routing log '\(path)' was deleted or replaced; opened it again"
        } catch {
            // Lines written to a deleted file would be lost without a trace: write none, count
            // the batch as lost, and try again with the next one.
            file?.close()
            file = nil
            return "cannot reopen routing log: \(error.description)"
        }
    }

    /// Rotates the file if the policy says so; on failure keeps appending to the current file.
    private func rotateIfNeeded(_ file: inout LogFile) {
        guard let rotation, rotation.shouldRotate(currentSize: file.size, openedAt: file.openedAt, now: Date()) else { return }
        file.sync()
        do {
            try LogRotation.rotate(path: path, keep: rotation.keep)
            let fresh = try LogFile.open(path: path, mode: fileMode)
            file.close()
            file = fresh
            file.openedAt = Date()
        } catch {
            onError(error.description)
            file.openedAt = Date()  // try again at the next size or day boundary, not at every batch
        }
    }
}
