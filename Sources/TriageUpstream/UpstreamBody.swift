/// The streaming body of an `UpstreamResponse`: an `AsyncSequence` of byte chunks, yielded
/// as curl receives them (never buffered whole). What arrives in one turn of the client's
/// event loop comes as one chunk, so a burst of small SSE events is read, and relayed, at once.
///
/// Iterate it once. Ending the iteration early — `break`, cancelling the consuming task, or
/// dropping the body/iterator without reaching the end — aborts the upstream transfer and
/// closes its connection. Errors after the headers arrived (reset, timeout...) are thrown
/// from the iteration as `UpstreamError`. If the consuming task is cancelled mid-body, the
/// iteration throws `UpstreamError.cancelled` instead of silently ending early.
///
/// Backpressure: when more than about 1 MiB has been received but not consumed, the transfer
/// is paused (`CURL_WRITEFUNC_PAUSE`) until the consumer catches up.
public struct UpstreamBody: AsyncSequence, Sendable {
    /// A chunk of body bytes.
    public typealias Element = [UInt8]
    /// Iteration throws only `UpstreamError`.
    public typealias Failure = UpstreamError

    /// Where the chunks come from: the transfer's channel, or a stream given by a test.
    enum Source: Sendable {
        case channel(BodyChannel.Reader)
        case stream(AsyncThrowingStream<[UInt8], any Error>)
    }

    private let source: Source
    private let control: TransferControl?
    private let url: String

    /// Wraps an arbitrary chunk stream (for tests and mocks). Errors thrown by `chunks` that
    /// are not `UpstreamError` surface as `UpstreamError.transferFailed`.
    public init(chunks: AsyncThrowingStream<[UInt8], any Error>) {
        self.init(source: .stream(chunks), control: nil, url: "(mock)")
    }

    /// The body of a transfer of this client, read from its channel.
    init(channel: BodyChannel, url: String) {
        self.init(source: .channel(BodyChannel.Reader(channel)), control: channel.control, url: url)
    }

    private init(source: Source, control: TransferControl?, url: String) {
        self.source = source
        self.control = control
        self.url = url
    }

    /// Whether the upstream transfer has already ended successfully, so every byte of the
    /// body is waiting to be read (iterating it will not wait for the network).
    public var isComplete: Bool {
        control?.outcome == .completed
    }

    /// Body bytes received from curl but not yet consumed (for tests of backpressure).
    var bufferedBytes: Int {
        control?.bufferedBytes ?? 0
    }

    /// Creates the (single) iterator of this body.
    public func makeAsyncIterator() -> AsyncIterator {
        let inner: AsyncIterator.Inner
        switch source {
        case .channel(let reader): inner = .channel(reader)
        case .stream(let stream): inner = .stream(stream.makeAsyncIterator())
        }
        return AsyncIterator(inner: inner, guardian: IterationGuard(control: control), url: url)
    }

    /// Reads the whole body into memory.
    /// - Parameter maxBytes: upper bound; exceeding it aborts the transfer and throws
    ///   `UpstreamError.transferFailed`.
    /// - Returns: the concatenated body bytes.
    public func collect(upTo maxBytes: Int) async throws -> [UInt8] {
        var result: [UInt8] = []
        for try await chunk in self {
            if result.count + chunk.count > maxBytes {
                throw UpstreamError.transferFailed(
                    url: url,
                    message: "response body is larger than the \(maxBytes)-byte limit; "
                        + "raise the limit or stream the body instead")
            }
            if result.isEmpty {
                result = chunk  // a whole answer comes as one chunk: kept, not copied
            } else {
                result.append(contentsOf: chunk)
            }
        }
        return result
    }

    /// Iterator over body chunks. Dropping it before the end aborts the transfer.
    public struct AsyncIterator: AsyncIteratorProtocol {
        /// A chunk of body bytes.
        public typealias Element = [UInt8]
        /// Iteration throws only `UpstreamError`.
        public typealias Failure = UpstreamError

        enum Inner {
            case channel(BodyChannel.Reader)
            case stream(AsyncThrowingStream<[UInt8], any Error>.AsyncIterator)
        }

        private var inner: Inner
        private let guardian: IterationGuard
        private let url: String

        init(inner: Inner, guardian: IterationGuard, url: String) {
            self.inner = inner
            self.guardian = guardian
            self.url = url
        }

        /// Returns the next chunk, or `nil` at the end of the body.
        public mutating func next() async throws(UpstreamError) -> [UInt8]? {
            try await next(isolation: nil)
        }

        /// Returns the next chunk, or `nil` at the end of the body, running on `actor`.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(UpstreamError) -> [UInt8]? {
            if guardian.isDone { return nil }
            let chunk: [UInt8]?
            do {
                switch inner {
                case .channel(let reader):
                    chunk = try await reader.channel.next()
                case .stream(var iterator):
                    chunk = try await iterator.next(isolation: actor)
                    inner = .stream(iterator)
                }
            } catch let error as UpstreamError {
                guardian.isDone = true
                throw error
            } catch {
                guardian.isDone = true
                throw UpstreamError.transferFailed(url: url, message: "body stream failed: \(error)")
            }
            guard let chunk else {
                // The channel ends only once the transfer completed (a cancelled reader gets
                // `.cancelled` thrown, never an early end), so the body is whole.
                guardian.isDone = true
                return nil
            }
            guardian.control?.consumed(chunk.count)
            return chunk
        }
    }

    /// Aborts the transfer when the last copy of an unfinished iterator goes away.
    final class IterationGuard {
        let control: TransferControl?
        var isDone = false

        init(control: TransferControl?) {
            self.control = control
        }

        deinit {
            if !isDone {
                control?.cancel()
            }
        }
    }
}
