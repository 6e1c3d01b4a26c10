import CCurl
import Glibc

/// Per-transfer state owned by the event-loop thread: the easy handle, its header list, and
/// the response being assembled by curl's callbacks.
///
/// Lifetime: the `TransferRegistry` holds the only strong reference from `start` until the
/// easy handle has been removed from the multi handle and cleaned up, so the unretained
/// pointer given to curl as callback user data is always valid while curl may call back.
/// Never touched from any other thread.
final class TransferContext {
    let id: Int
    let url: String
    let timeouts: UpstreamTimeouts
    let control: TransferControl
    /// The easy handle (pooled: it outlives the transfer) and its error buffer.
    let handle: EasyHandle
    var easy: UnsafeMutableRawPointer { handle.easy }
    /// The request's header list, shared with other transfers sending the same headers.
    private(set) var headers: HeaderListCache.Entry?
    /// Whether the request is a POST (its handle may then keep its options for the next one).
    let isPost: Bool

    /// Where the head, body bytes and end go.
    private let sink: TransferSink
    /// `true` once the head was handed to the sink.
    private(set) var headDelivered = false
    /// Where the context queues itself when it has a head or body bytes to hand over; the
    /// loop hands them over once per turn (see `PendingDeliveries`).
    private let deliveries: PendingDeliveries
    /// `true` while queued in `deliveries`.
    private var isQueued = false
    /// `true` once the final header block ended (queued for delivery, or delivered).
    private var headComplete = false
    /// Body bytes received in this loop turn, not yet yielded to the consumer.
    private var pendingBody: [UInt8] = []

    private var status = 0
    private var responseHeaders: [(name: String, value: String)] = []
    /// `true` once a connection is established and the request is being sent.
    private(set) var requestSent = false
    /// `true` while curl is paused because the body consumer is behind.
    var pausedForBackpressure = false
    /// `true` when the body stream was terminated by its consumer.
    private(set) var abandonedByConsumer = false
    /// Last time a byte was received (or the request was sent / the transfer resumed).
    var lastActivity: ContinuousClock.Instant
    /// The request body curl sends (the request's own bytes: shared, not copied), and how much
    /// of it the read callback has handed over.
    private let requestBody: [UInt8]
    private var uploadOffset = 0
    /// A copy of a small request body that curl sends from memory (`CURLOPT_POSTFIELDS`) in
    /// the same write as the request head; `nil` for a larger one, read through the callback.
    private(set) var postFields: UnsafeMutableRawBufferPointer?
    /// Bodies up to this size are copied and sent with the head (curl 7.x does so below 64 KiB).
    static let postFieldsLimit = 60 << 10

    init(start: TransferStart, handle: EasyHandle, id: Int, deliveries: PendingDeliveries) {
        self.id = id
        self.deliveries = deliveries
        self.url = start.request.url
        self.timeouts = start.request.timeouts
        self.control = start.control
        self.handle = handle
        self.isPost = start.request.method == "POST"
        self.sink = start.sink
        self.requestBody = start.request.body
        let body = start.request.body
        if body.count <= Self.postFieldsLimit {
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, body.count), alignment: 1)
            body.withUnsafeBytes { copy.copyMemory(from: $0) }
            postFields = copy
        }
        self.lastActivity = deliveries.turnStart
    }

    deinit {
        postFields?.deallocate()
    }

    /// Text curl left in `CURLOPT_ERRORBUFFER`.
    var errorDetail: String {
        handle.errorDetail
    }

    /// Holds the request's header list while curl may send it (it outlives the transfer's
    /// handle use: the context goes after the handle is detached).
    func adopt(headers: HeaderListCache.Entry) {
        self.headers = headers
    }

    // MARK: - Callbacks (called by curl on the loop thread)

    /// CURLOPT_PREREQFUNCTION: a connection exists and the request is about to be sent.
    func didConnect() {
        requestSent = true
        lastActivity = deliveries.turnStart
    }

    /// CURLOPT_HEADERFUNCTION: one header line, including status lines and the blank line.
    ///
    /// Parsed as bytes: only the header's name and value become strings.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        lastActivity = deliveries.turnStart
        guard !headDelivered else { return }  // trailers after the body: ignored
        var length = bytes.count
        while length > 0, bytes[length - 1] == UInt8(ascii: "\r") || bytes[length - 1] == UInt8(ascii: "\n") {
            length -= 1
        }
        if length == 0 {
            // End of one header block. 1xx blocks (100 Continue, 103 Early Hints) are followed
            // by the real response; anything else completes the head.
            if status >= 200 || status == 0 {
                markHeadComplete()
            }
            return
        }
        let line = UnsafeRawBufferPointer(rebasing: bytes[0..<length])
        if length >= 5, line[0] == UInt8(ascii: "H"), line[1] == UInt8(ascii: "T"), line[2] == UInt8(ascii: "T"),
           line[3] == UInt8(ascii: "P"), line[4] == UInt8(ascii: "/") {
            status = Self.statusCode(line)
            responseHeaders = []
            return
        }
        if line[0] == UInt8(ascii: " ") || line[0] == UInt8(ascii: "\t") {
            // Obsolete line folding: continuation of the previous header's value.
            guard !responseHeaders.isEmpty else { return }
            responseHeaders[responseHeaders.count - 1].value += " " + Self.trimmedString(line, from: 0, to: length)
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: line[0..<colon]), as: UTF8.self)
        responseHeaders.append((name: name, value: Self.trimmedString(line, from: colon + 1, to: length)))
    }

    /// The status code of a status line (`HTTP/1.1 200 OK`, `HTTP/2 200`), or 0.
    private static func statusCode(_ line: UnsafeRawBufferPointer) -> Int {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { return 0 }
        var code = 0
        var digits = 0
        var index = space + 1
        while index < line.count, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9"), digits < 3 {
            code = code * 10 + Int(line[index] - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        return digits == 3 ? code : 0
    }

    /// `line[from..<to]` without surrounding spaces and tabs, as a string.
    private static func trimmedString(_ line: UnsafeRawBufferPointer, from: Int, to: Int) -> String {
        var start = from
        var end = to
        while start < end, line[start] == UInt8(ascii: " ") || line[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, line[end - 1] == UInt8(ascii: " ") || line[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
    }

    /// CURLOPT_WRITEFUNCTION: a body chunk. Returns the number of bytes taken, `0` to abort,
    /// or `nil` to ask curl to pause (the chunk will be delivered again after un-pausing).
    ///
    /// The bytes are kept until the end of the loop turn and handed over with whatever else
    /// arrived in that turn (a chunked or SSE body comes in many small callbacks).
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int? {
        lastActivity = deliveries.turnStart
        markHeadComplete()
        guard bytes.count > 0 else { return 0 }
        if abandonedByConsumer { return 0 }
        guard !sink.buffersBody || control.reserve(bytes.count) else {
            // Paused until the consumer drains what it was handed (at the end of this turn).
            pausedForBackpressure = true
            return nil
        }
        pendingBody.append(contentsOf: bytes)
        enqueueDelivery()
        return bytes.count
    }

    /// CURLOPT_READFUNCTION: copies the next part of the request body into curl's buffer.
    func readBody(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, requestBody.count - uploadOffset)
        guard count > 0 else { return 0 }
        requestBody.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[uploadOffset..<(uploadOffset + count)]))
        }
        uploadOffset += count
        return count
    }

    /// CURLOPT_SEEKFUNCTION: moves the body's read position (curl rewinds to resend it).
    func seekBody(to offset: Int, origin: Int32) -> Bool {
        let base: Int
        switch origin {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = uploadOffset
        case SEEK_END: base = requestBody.count
        default: return false
        }
        let target = base + offset
        guard target >= 0, target <= requestBody.count else { return false }
        uploadOffset = target
        return true
    }

    // MARK: - Completion

    /// Queues the head for delivery at the end of the loop turn (idempotent).
    private func markHeadComplete() {
        guard !headComplete else { return }
        headComplete = true
        enqueueDelivery()
    }

    private func enqueueDelivery() {
        guard !isQueued else { return }
        isQueued = true
        deliveries.append(self)
    }

    /// Hands over what this turn brought (body bytes, and the head once complete). Returns
    /// `false` when the consumer has gone away (the transfer should then be aborted).
    func deliverPending() -> Bool {
        isQueued = false
        return handOver(end: nil)
    }

    /// Ends the transfer successfully: hands over the rest of the body, the end, and the head
    /// if still pending (in one delivery, so a small answer arrives whole).
    func complete() {
        control.markFinished(.completed)
        _ = handOver(end: .completed)
    }

    /// Ends the transfer with `error`: thrown from `execute` if the response head had not
    /// arrived yet, otherwise from the body iteration, after the bytes received before it.
    /// A head that arrived in this loop turn is still handed over (the response started), so
    /// coalescing a turn never turns a broken body into a failed request.
    func fail(_ error: UpstreamError) {
        control.markFinished(.failed)
        _ = handOver(end: .failed(error))
    }

    /// One delivery to the sink: the pending body bytes, the head when it is complete (or the
    /// transfer completed) and not yet delivered, and `end`.
    private func handOver(end: UpstreamDelivery.End?) -> Bool {
        var head: ResponseHead?
        var headCompleteNow = headComplete
        if case .completed = end { headCompleteNow = true }
        if headCompleteNow && !headDelivered {
            headDelivered = true
            head = makeHead()
        }
        let body = pendingBody
        pendingBody = []
        let kept = sink.deliver(head: head, body: body, end: end, headPending: !headDelivered)
        if end != nil { headDelivered = true }  // a failure before the head reached `execute`
        if !kept { abandonedByConsumer = true }
        return !abandonedByConsumer
    }

    /// The status and headers received so far.
    private func makeHead() -> ResponseHead {
        if status == 0 {
            var code = 0
            _ = triage_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
            status = code
        }
        return ResponseHead(status: status, headers: responseHeaders)
    }
}
