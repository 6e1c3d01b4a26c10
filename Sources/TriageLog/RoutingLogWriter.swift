import Foundation
import Synchronization
import TriageJSON

import Glibc

/// Appends routing log records to a JSONL file from a background thread, by group commit.
///
/// Encoding and `write(2)` happen on the writer's own thread, or, for a ``commit(_:)`` that finds
/// that thread idle, on the caller's. ``commit(_:)`` returns once the batch holding its record
/// has been written (to the page cache: one `write(2)` per batch, no `fsync`), so a request can
/// finish its answer only once its line is in the file: a crash of the process loses no line of
/// an answer a client saw complete. Records that arrive while a batch is being written go out
/// together in the next one, so the cost stays one write per batch, not per request.
/// ``append(_:)`` queues without waiting.
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
        /// Times a slow inline write made callers leave the writing to the writer thread for a while (``InlineWriteGuard``).
        public var inlineFallbacks = 0

        public init(written: Int = 0, lost: Int = 0, failing: Bool = false, lastError: String? = nil, reopened: Int = 0, inlineFallbacks: Int = 0) {
            (self.written, self.lost, self.failing, self.lastError, self.reopened) = (written, lost, failing, lastError, reopened)
            self.inlineFallbacks = inlineFallbacks
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
    /// The records waiting, their waiters, the bound and the counts (shared with the database sink).
    private let queue: LogQueue
    private let wake: DispatchSemaphore
    private let finished = DispatchSemaphore(value: 0)
    private let onError: @Sendable (String) -> Void
    private let onWarning: @Sendable (String) -> Void
    private let writeFunction: LogFile.WriteFunction
    /// Times inline writes and says when callers should leave the writing to the thread.
    private let inlineGuard: InlineWriteGuard

    /// Opens (creating if needed, with its directory) the log file for appending and starts the writer thread.
    /// - Parameters:
    ///   - path: The JSONL file to append to.
    ///   - rotation: When to rotate the file (`path` → `path.1` → ...); `nil` never rotates.
    ///   - maxPendingBytes: Bytes of queued records past which ``waitForRoom()`` suspends callers (default 64 MiB).
    ///   - fileMode: Permission bits of the file (default `0600`: the log holds every prompt).
    ///   - onError: Called (on the writer thread) with a message when the log starts or stops failing.
    ///   - onWarning: Called with the ``InlineWriteGuard``'s warning when a slow inline write starts a back-off (default `onError`).
    public convenience init(
        path: String, rotation: LogRotationPolicy? = nil, maxPendingBytes: Int = RoutingLogWriter.defaultMaxPendingBytes,
        fileMode: mode_t = RoutingLogWriter.defaultFileMode, onError: @escaping @Sendable (String) -> Void = { _ in },
        onWarning: (@Sendable (String) -> Void)? = nil
    ) throws(RoutingLogError) {
        try self.init(
            path: path, rotation: rotation, maxPendingBytes: maxPendingBytes, fileMode: fileMode,
            writeFunction: { Glibc.write($0, $1, $2) }, onError: onError, onWarning: onWarning
        )
    }

    /// The same, writing through `writeFunction` instead of `write(2)` and timing inline writes
    /// with `inlineGuard` (tests of the failure paths and of a slow disk).
    init(
        path: String, rotation: LogRotationPolicy?, maxPendingBytes: Int, fileMode: mode_t,
        writeFunction: @escaping LogFile.WriteFunction, inlineGuard: InlineWriteGuard = InlineWriteGuard(),
        onError: @escaping @Sendable (String) -> Void, onWarning: (@Sendable (String) -> Void)? = nil
    ) throws(RoutingLogError) {
        let opened = try LogFile.open(path: path, mode: fileMode)
        self.path = path
        self.rotation = rotation
        self.maxPendingBytes = max(1, maxPendingBytes)
        self.fileMode = fileMode
        self.file = Mutex(FileState(file: opened))
        let wake = DispatchSemaphore(value: 0)
        self.wake = wake
        self.queue = LogQueue(maxPendingBytes: maxPendingBytes, onError: onError) { wake.signal() }
        self.onError = onError
        self.onWarning = onWarning ?? onError
        self.writeFunction = writeFunction
        self.inlineGuard = inlineGuard
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
    public func append(_ outcome: any RoutingLogOutcome) {
        queue.append(outcome)
    }

    /// Queues a record and returns once the batch holding it has been written: true when its
    /// line is in the file (the page cache), false when it could not be written (counted in
    /// ``status`` as lost).
    ///
    /// When the writer thread is idle (asleep, nothing queued) the caller writes the batch itself,
    /// on its own thread, instead of waking the thread and waiting to be woken in turn: its record,
    /// plus any queued meanwhile, in one `write(2)` (``LogQueue/commit(_:inline:)``). A batch that
    /// needs more than that (a rotation, which `fsync`s, or a file to open again) goes to the
    /// thread, and so does whatever was queued while the caller wrote. An inline write that was
    /// slow (a disk that blocks) makes the next callers leave the writing to the thread for a
    /// while (``InlineWriteGuard``), so the caller's thread (an event loop) is not held by the disk.
    public func commit(_ outcome: any RoutingLogOutcome) async -> Bool {
        guard inlineGuard.allowsInline() else { return await queue.commit(outcome) }
        return await queue.commit(outcome, inline: { batch, bytes in write(batch, bytes: bytes, inline: true)?.first })
    }

    /// Sets what the writer thread tells about each record before writing it (``LogQueue/observe(_:)``).
    public func observe(_ observer: @escaping @Sendable (RoutingLogRecord) -> Void) {
        queue.observe(observer)
    }

    /// Returns at once while the queue holds less than `maxPendingBytes`; otherwise suspends
    /// until the writer has brought it below (or the writer closes). Call it before taking on
    /// work whose record will be appended, so that a slow disk pushes back on new requests.
    public func waitForRoom() async {
        await queue.waitForRoom()
    }

    /// Estimated bytes of records queued (or being written) but not yet written.
    public var pendingBytes: Int { queue.pendingBytes }

    /// Number of requests waiting in ``waitForRoom()``.
    public var roomWaiterCount: Int { queue.roomWaiterCount }

    /// Number of records queued but not yet written.
    public var pendingCount: Int { queue.pendingCount }

    /// Whether the writer thread is asleep with nothing queued (the next commit then writes
    /// inline, unless backing off). It goes to sleep just after it answers its last commit.
    var isIdle: Bool { queue.isIdle }

    /// Number of records written so far.
    public var writtenCount: Int { queue.status.written }

    /// Records written and lost, and whether the log is failing now.
    public var status: Status { queue.status }

    /// Writes everything queued, stops the writer thread and closes the file. Idempotent.
    public func close() {
        guard queue.close() else { return }
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
            let (batch, batchBytes, closing) = queue.take()
            if !batch.isEmpty { write(batch, bytes: batchBytes) }
            if closing {
                // Records may have been queued between the take above and `closing` being set.
                let (rest, restBytes, _) = queue.take()
                if !rest.isEmpty { write(rest, bytes: restBytes) }
                finished.signal()
                return
            }
            // Group commit: what arrived while this batch was written goes out at once as the
            // next batch; only an empty queue puts the writer to sleep until the next append.
            sleep = queue.sleepIfIdle()
        }
    }

    /// Encodes `batch` straight into one reused buffer and writes it with as few `write(2)`
    /// calls as the size allows; then tells each waiter whether its record was written and
    /// returns that per record. `inline` (a caller's own thread): nothing is written and nil
    /// returned when the batch would reopen or rotate the file; the batch goes out in one write.
    @discardableResult
    private func write(_ batch: [LogQueue.Entry], bytes: Int, inline: Bool = false) -> [Bool]? {
        var outcomes = [Bool](repeating: false, count: batch.count)
        var errors: [String] = []
        var notices: [String] = []
        var reopened = 0
        var refused = false
        var verdict: InlineWriteGuard.Verdict?
        file.withLock { state in
            if inline {
                guard state.file?.refresh() == true, let current = state.file, !rotationDue(current) else {
                    refused = true
                    return
                }
            } else if let message = ensureOpen(&state.file, reopened: &reopened) {
                if state.file == nil { errors.append(message) } else { notices.append(message) }
            }
            guard var current = state.file else { return }
            defer { state.file = current }
            if !inline { rotateIfNeeded(&current) }
            var storage: [UInt8] = []
            swap(&storage, &state.scratch)  // moved out, so emptying it keeps its memory
            var out = JSONWriter(reusing: consume storage)
            defer {
                // Keep the memory for the next batch, unless one huge record made it large.
                if out.bytes.capacity <= Self.flushBytes * 4 {
                    out.removeAll()
                    state.scratch = out.bytes
                }
            }
            out.reserveCapacity(min(bytes + 64 * batch.count, Self.flushBytes * 2))
            var first = 0
            for index in batch.indices {
                batch[index].record.writeJSONLine(to: &out)
                // A size limit is honoured within a batch too: flush, then rotate, between lines.
                let atLimit = rotation?.maxBytes.map { current.size + out.count >= $0 } ?? false
                if atLimit && inline {
                    refused = true  // nothing written yet: inline, only the last line flushes
                    return
                }
                if atLimit || (out.count >= Self.flushBytes && !inline) || index == batch.count - 1 {
                    // Inline, the `write(2)` alone is timed: a thread preempted while encoding is no slow disk.
                    let started = inline ? inlineGuard.start() : 0
                    let error = current.append(out.bytes, using: writeFunction)
                    if inline { verdict = inlineGuard.finished(startedAt: started) }
                    out.removeAll()
                    for done in first...index { outcomes[done] = error == nil }
                    first = index + 1
                    if let error { errors.append("cannot write routing log '\(path)': \(String(cString: strerror(error)))") }
                    if atLimit { rotateIfNeeded(&current) }
                }
            }
        }
        if refused { return nil }
        if let warning = verdict?.warning { onWarning(warning) }
        let fellBack = verdict?.fellBack ?? false
        queue.finish(batch, bytes: bytes, outcomes: outcomes, notices: notices, report: onError, update: { status, lost in
            status.reopened += reopened
            if fellBack { status.inlineFallbacks += 1 }
            let wasFailing = status.failing
            if let error = errors.last { status.lastError = error }
            status.failing = lost > 0
            if status.failing && !wasFailing {
                return "\(errors.last ?? "routing log write failed"); \(lost) record(s) lost so far in this outage (counted in /metrics as triage_routing_log_lost_records_total)"
            }
            if wasFailing && !status.failing {
                return "routing log '\(path)' is written again; \(status.lost) record(s) lost in total since start"
            }
            return nil
        })
        return outcomes
    }

    /// Opens the path again when there is no open file or the path no longer names it
    /// (deleted, directory removed, renamed away and replaced). Returns a message when it had to.
    private func ensureOpen(_ file: inout LogFile?, reopened: inout Int) -> String? {
        if file?.refresh() == true { return nil }
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

    /// Whether the policy says to rotate `file` before the next write.
    private func rotationDue(_ file: LogFile) -> Bool {
        rotation?.shouldRotate(currentSize: file.size, openedAt: file.openedAt, now: Date()) ?? false
    }

    /// Rotates the file if the policy says so; on failure keeps appending to the current file.
    private func rotateIfNeeded(_ file: inout LogFile) {
        guard let rotation, rotationDue(file) else { return }
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
