import Foundation
import Synchronization
import TriageJSON

import Glibc

/// Appends routing log records to a JSONL file from a background thread.
///
/// `append(_:)` only puts the record on a queue and returns: encoding and the `write(2)` calls
/// happen on the writer's own thread, so a slow disk never holds up a request. Lines are
/// written whole, in order, to a file opened with `O_APPEND`, so a crash can leave at most
/// the last line partial. ``close()`` drains the queue, so nothing appended before it is lost.
///
/// The queue is bounded in bytes, not by dropping: when records waiting to be written (the
/// batch being written included) pass `maxPendingBytes`, ``waitForRoom()`` suspends new requests
/// until the writer catches up, so a disk slower than the traffic slows the traffic down
/// instead of growing memory without limit or losing lines.
public final class RoutingLogWriter: Sendable {
    private struct State {
        var pending: [RoutingLogRecord] = []
        /// Estimated bytes of `pending` plus the batch the writer holds.
        var pendingBytes = 0
        /// Estimated bytes of `pending` alone.
        var queuedBytes = 0
        /// Requests waiting for the queue to drain below `maxPendingBytes`.
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        /// True while the writer thread waits for a signal (as it does at start); false while it polls.
        var sleeping = true
        var closing = false
        var written = 0
        var failures = 0
    }

    /// The open file, its size and when it was opened; touched by the writer thread (and by
    /// `close()` once that thread has finished).
    private struct FileState {
        var fd: Int32
        var size: Int
        var openedAt: Date
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
    private let rotation: LogRotationPolicy?
    private let file: Mutex<FileState>
    private let state: Mutex<State>
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let onError: @Sendable (String) -> Void

    /// Opens (creating if needed, with its directory) the log file for appending and starts the writer thread.
    /// - Parameters:
    ///   - path: The JSONL file to append to.
    ///   - rotation: When to rotate the file (`path` → `path.1` → ...); `nil` never rotates.
    ///   - maxPendingBytes: Bytes of queued records past which ``waitForRoom()`` suspends callers (default 64 MiB).
    ///   - onError: Called (on the writer thread) with a message when a record cannot be written.
    public init(
        path: String, rotation: LogRotationPolicy? = nil, maxPendingBytes: Int = RoutingLogWriter.defaultMaxPendingBytes,
        onError: @escaping @Sendable (String) -> Void = { _ in }) throws(RoutingLogError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .cannotOpen(path: path, reason: "cannot create directory '\(directory)': \(error.localizedDescription)")
            }
        }
        let fd = try Self.openForAppend(path)
        self.path = path
        self.rotation = rotation
        self.maxPendingBytes = max(1, maxPendingBytes)
        Self.terminatePartialLine(fd: fd)
        self.file = Mutex(FileState(fd: fd, size: Int(lseek(fd, 0, SEEK_END)), openedAt: Self.modificationDate(fd) ?? Date()))
        self.state = Mutex(State())
        self.onError = onError
        let thread = Thread { [self] in self.run() }
        thread.name = "triage-routing-log"
        thread.start()
    }

    /// Default bound of the queue: 64 MiB of records waiting to be written.
    public static let defaultMaxPendingBytes = 64 * 1024 * 1024

    /// Queues a record for writing. Never blocks on I/O and never drops a record because the
    /// queue is long: callers that want back-pressure call ``waitForRoom()`` first.
    ///
    /// Records appended after ``close()`` are dropped (and reported through `onError`).
    public func append(_ record: RoutingLogRecord) {
        let size = record.estimatedSize
        let (accepted, wakeWriter) = state.withLock { state -> (Bool, Bool) in
            guard !state.closing else { return (false, false) }
            state.pending.append(record)
            state.pendingBytes += size
            state.queuedBytes += size
            let wakeWriter = state.sleeping || state.pending.count >= Self.wakeThreshold
            if state.sleeping { state.sleeping = false }
            return (true, wakeWriter)
        }
        if wakeWriter {
            wake.signal()
        } else if !accepted {
            onError("routing log is closed; record \(record.id) was not written")
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
    public var writtenCount: Int { state.withLock { $0.written } }

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
        file.withLock { file in
            fsync(file.fd)
            _ = Glibc.close(file.fd)
        }
    }

    private static func openForAppend(_ path: String) throws(RoutingLogError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        return fd
    }

    /// When an existing file was last written: a daily rotation policy counts the day from there.
    private static func modificationDate(_ fd: Int32) -> Date? {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return nil }
        return Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec))
    }

    /// Rotates the file if the policy says so; on failure keeps appending to the current file.
    private func rotateIfNeeded(_ file: inout FileState) {
        guard let rotation, rotation.shouldRotate(currentSize: file.size, openedAt: file.openedAt, now: Date()) else { return }
        fsync(file.fd)
        do {
            try LogRotation.rotate(path: path, keep: rotation.keep)
            let fd = try Self.openForAppend(path)
            _ = Glibc.close(file.fd)
            file = FileState(fd: fd, size: 0, openedAt: Date())
        } catch {
            onError(error.description)
            file.openedAt = Date()  // try again at the next size or day boundary, not at every batch
        }
    }

    /// Under load the writer polls every `pollInterval` instead of being woken for each record
    /// (a wake-up per request costs a context switch); idle, it sleeps until the next record.
    private static let pollInterval: DispatchTimeInterval = .milliseconds(5)
    /// A queue this long wakes the writer at once.
    private static let wakeThreshold = 512

    private func run() {
        var idle = true
        while true {
            if idle {
                wake.wait()
            } else {
                _ = wake.wait(timeout: .now() + Self.pollInterval)
            }
            let (batch, batchBytes, closing) = state.withLock { state -> ([RoutingLogRecord], Int, Bool) in
                let batch = state.pending
                let bytes = state.queuedBytes
                state.pending.removeAll(keepingCapacity: true)
                state.queuedBytes = 0
                return (batch, bytes, state.closing)
            }
            if !batch.isEmpty {
                write(batch)
                release(bytes: batchBytes)
            }
            if batch.isEmpty && !closing {
                // Nothing came in for a whole poll interval: sleep until an append wakes us.
                idle = state.withLock { state -> Bool in
                    guard state.pending.isEmpty, !state.closing else { return false }
                    state.sleeping = true
                    return true
                }
            } else {
                idle = false
            }
            if closing {
                // Records may have been queued between the swap above and `closing` being set.
                let (rest, restBytes) = state.withLock { state -> ([RoutingLogRecord], Int) in
                    let rest = state.pending
                    let bytes = state.queuedBytes
                    state.pending.removeAll()
                    state.queuedBytes = 0
                    return (rest, bytes)
                }
                if !rest.isEmpty {
                    write(rest)
                    release(bytes: restBytes)
                }
                finished.signal()
                return
            }
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

    /// Encodes `batch` straight into one reused buffer (no array per line, no copy of each
    /// line into the batch) and writes it with as few `write(2)` calls as the size allows.
    private func write(_ batch: [RoutingLogRecord]) {
        var encoded = 0
        var failed = false
        file.withLock { file in
            rotateIfNeeded(&file)
            var storage: [UInt8] = []
            swap(&storage, &file.scratch)  // moved out, so emptying it keeps its memory
            var out = JSONWriter(reusing: consume storage)
            out.reserveCapacity(min(batch.reduce(0) { $0 + $1.estimatedSize + 64 }, Self.flushBytes * 2))
            for record in batch {
                record.writeJSONLine(to: &out)
                encoded += 1
                // A size limit is honoured within a batch too: flush, then rotate, between lines.
                if let maxBytes = rotation?.maxBytes, file.size + out.count >= maxBytes {
                    failed = !flush(&out, to: &file) || failed
                    rotateIfNeeded(&file)
                } else if out.count >= Self.flushBytes {
                    failed = !flush(&out, to: &file) || failed
                }
            }
            failed = !flush(&out, to: &file) || failed
            // Keep the memory for the next batch, unless one huge record made it large.
            if out.bytes.capacity <= Self.flushBytes * 4 {
                file.scratch = out.bytes
            }
        }
        state.withLock {
            if failed { $0.failures += batch.count } else { $0.written += encoded }
        }
    }

    /// Writes what `out` holds whole (looping over short writes) and empties it; false on an
    /// I/O error.
    private func flush(_ out: inout JSONWriter, to file: inout FileState) -> Bool {
        defer { out.removeAll() }
        var offset = 0
        while offset < out.count {
            let fd = file.fd
            let result = out.bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.write(fd, base + offset, raw.count - offset)
            }
            if result < 0 {
                if errno == EINTR { continue }
                onError("cannot write routing log '\(path)': \(String(cString: strerror(errno)))")
                return false
            }
            offset += result
        }
        file.size += offset
        return true
    }

    /// If the file ends in a partial line (a crash mid-write), end it so that new records start on a line of their own.
    private static func terminatePartialLine(fd: Int32) {
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return }
        var last: UInt8 = 0
        let readFD = open("/proc/self/fd/\(fd)", O_RDONLY | O_CLOEXEC)
        guard readFD >= 0 else { return }
        defer { _ = Glibc.close(readFD) }
        guard pread(readFD, &last, 1, size - 1) == 1, last != UInt8(ascii: "\n") else { return }
        var newline = UInt8(ascii: "\n")
        _ = Glibc.write(fd, &newline, 1)
    }
}
