import Synchronization

/// The body of one `execute` transfer, between the event-loop thread that receives it and the
/// task that iterates its `UpstreamBody`: the chunks not yet read, the end, and at most one
/// waiting reader, under one lock.
///
/// It replaces an `AsyncThrowingStream` (generic storage looked up at run time, a lock and an
/// allocation per element, a termination closure): a whole answer handed over in one loop
/// turn is queued with one lock and read by `collect` without suspending.
final class BodyChannel: Sendable {
    /// What a read finds.
    enum Read {
        case chunk([UInt8])
        case end
        case failed(UpstreamError)
        case wait
    }

    private struct State {
        var chunks: [[UInt8]] = []
        /// Index of the next chunk to read in `chunks`.
        var next = 0
        var end: UpstreamDelivery.End?
        /// The reader suspended in `next()` (only while `chunks` is drained and `end` unset).
        var reader: UnsafeContinuation<[UInt8]?, any Error>?
        /// The reading task was cancelled while it waited.
        var cancelled = false
        /// Every `UpstreamBody` and iterator of this body is gone: nothing will read it.
        var consumerGone = false

        mutating func take() -> Read {
            if next < chunks.count {
                let chunk = chunks[next]
                next += 1
                if next == chunks.count {
                    chunks.removeAll(keepingCapacity: true)
                    next = 0
                }
                return .chunk(chunk)
            }
            switch end {
            case .completed?: return .end
            case .failed(let error)?: return .failed(error)
            case nil: return cancelled ? .failed(.cancelled) : .wait
            }
        }
    }

    private let state = Mutex(State())
    /// The transfer this body belongs to, aborted when its reader is cancelled or goes away.
    let control: TransferControl

    init(control: TransferControl) {
        self.control = control
    }

    // MARK: - Event-loop thread

    /// Queues one loop turn's `body` bytes and the `end` (if the transfer ended), waking the
    /// reader. Returns `false` when nobody will read the body any more.
    func send(_ body: [UInt8], end: UpstreamDelivery.End?) -> Bool {
        let (reader, read, kept) = state.withLock { state -> (UnsafeContinuation<[UInt8]?, any Error>?, Read, Bool) in
            guard !state.consumerGone else { return (nil, .wait, false) }
            if !body.isEmpty { state.chunks.append(body) }
            if let end, state.end == nil { state.end = end }
            guard let reader = state.reader else { return (nil, .wait, true) }
            let read = state.take()
            if case .wait = read { return (nil, .wait, true) }
            state.reader = nil
            return (reader, read, true)
        }
        if let reader { Self.resume(reader, with: read) }
        return kept
    }

    // MARK: - Reader

    /// The next chunk, `nil` at the end of the body; throws the transfer's error, or
    /// `.cancelled` when the reading task is cancelled while it waits.
    func next() async throws(UpstreamError) -> [UInt8]? {
        switch state.withLock({ $0.take() }) {
        case .chunk(let chunk): return chunk
        case .end: return nil
        case .failed(let error): throw error
        case .wait: break
        }
        do {
            return try await withTaskCancellationHandler {
                try await withUnsafeThrowingContinuation { (reader: UnsafeContinuation<[UInt8]?, any Error>) in
                    let read = state.withLock { state -> Read in
                        let read = state.take()
                        if case .wait = read { state.reader = reader }
                        return read
                    }
                    if case .wait = read { return }
                    Self.resume(reader, with: read)
                }
            } onCancel: {
                cancelRead()
            }
        } catch let error as UpstreamError {
            throw error
        } catch {
            throw .cancelled
        }
    }

    /// The reading task was cancelled: ends a wait with `.cancelled` and aborts the transfer.
    private func cancelRead() {
        let reader = state.withLock { state -> UnsafeContinuation<[UInt8]?, any Error>? in
            state.cancelled = true
            defer { state.reader = nil }
            return state.reader
        }
        reader?.resume(throwing: UpstreamError.cancelled)
        control.cancel()
    }

    /// Nothing will read the body any more: drops what is queued and aborts the transfer if it
    /// is still running.
    func abandon() {
        state.withLock { state in
            state.consumerGone = true
            state.chunks = []
            state.next = 0
        }
        control.cancel()
    }

    private static func resume(_ reader: UnsafeContinuation<[UInt8]?, any Error>, with read: Read) {
        switch read {
        case .chunk(let chunk): reader.resume(returning: chunk)
        case .end: reader.resume(returning: nil)
        case .failed(let error): reader.resume(throwing: error)
        case .wait: break
        }
    }

    /// Held by every `UpstreamBody` and iterator of a body: when the last goes, the body is
    /// abandoned (an unread answer aborts its transfer, as an early `break` does).
    final class Reader: Sendable {
        let channel: BodyChannel

        init(_ channel: BodyChannel) {
            self.channel = channel
        }

        deinit {
            channel.abandon()
        }
    }
}
