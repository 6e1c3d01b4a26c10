/// The order of requests and answers on one client connection shared by the ``ProxyFront``
/// (which answers the proxy routes itself) and Hummingbird (everything else), as a value: events
/// in, actions out, no I/O, so it is tested without sockets.
///
/// HTTP/1.1 answers go out in the order the requests came, pipelined or not. A request's head is
/// admitted only when no answer is in progress; until then it, and whatever follows it (body
/// parts, a parse error, the end of the client's input), is held, and handed on in order once
/// the answer in progress has ended (the front's own, or Hummingbird's `.end` going outbound).
/// A request the front takes has its body collected by the front; a request it passes has every
/// part forwarded to Hummingbird.
struct ProxyFrontState<Head, Body> {
    /// What the client sent, in the order it came.
    enum Inbound {
        /// A request head; `front` says whether the front takes it.
        case head(Head, front: Bool)
        case body(Body)
        case end
        /// The client closed its sending side.
        case inputClosed
        /// The bytes could not be parsed as HTTP (the error).
        case parseError(any Error)
    }

    /// What the handler does with an inbound item.
    enum Action {
        /// Hand it to Hummingbird.
        case forward(Inbound)
        /// The front starts a request: check it and collect its body.
        case startFront(Head)
        /// A body part of the front's request.
        case frontBody(Body)
        /// The front's request body is complete.
        case frontEnd
        /// The front's request body will not complete: the client closed its input (`parseError`
        /// nil) or sent bytes that are not HTTP. The connection cannot carry another request.
        case frontBodyFailed(parseError: (any Error)?)
        /// Close the connection (after the answer just written).
        case close
    }

    private enum Reading: Equatable {
        /// Between requests.
        case none
        /// The body of a request the front took.
        case front
        /// The body of a request passed to Hummingbird.
        case passed
    }

    private enum Answering: Equatable {
        case none
        case front
        case passed
    }

    private var reading = Reading.none
    private var answering = Answering.none
    /// Items that came while an answer was in progress, in order (a pipelined request and what follows it).
    private var held: [Inbound] = []
    private var heldStart = 0
    /// Close once the answer in progress has ended (`connection: close`, graceful shutdown, a broken request).
    private(set) var closeAfterAnswer = false
    /// The connection is closed: nothing more is handed on.
    private var closed = false

    /// How many held items make the handler stop reading from the socket (a client pipelining
    /// far ahead waits in the kernel's buffers, not in memory).
    static var readPauseThreshold: Int { 16 }

    init() {}

    /// Whether reads from the socket should pause.
    var pausesReading: Bool { held.count - heldStart >= Self.readPauseThreshold }

    /// Whether the front's request is being answered.
    var frontAnswering: Bool { answering == .front }

    /// The client sent `item`: the actions to take now (none while it is held).
    mutating func received(_ item: Inbound) -> [Action] {
        guard !closed else { return [] }
        if heldStart < held.count {
            held.append(item)
            return []
        }
        var actions: [Action] = []
        if !process(item, into: &actions) { held.append(item) }
        return actions
    }

    /// The answer in progress ended: the front wrote its end (`close` when the connection must
    /// close after it), or Hummingbird's `.end` went out (`front` false). Returns the held items
    /// that may now go on, or `.close`.
    mutating func answerEnded(front: Bool, close: Bool = false) -> [Action] {
        guard !closed else { return [] }
        guard answering == (front ? .front : .passed) else { return [] }
        answering = .none
        if close { closeAfterAnswer = true }
        if closeAfterAnswer {
            closed = true
            held = []
            heldStart = 0
            return front ? [.close] : []  // Hummingbird closes after its own answer when told to
        }
        var actions: [Action] = []
        while heldStart < held.count {
            guard process(held[heldStart], into: &actions) else { break }
            heldStart += 1
        }
        if heldStart == held.count {
            held = []
            heldStart = 0
        }
        return actions
    }

    /// The server is shutting down gracefully (`ChannelShouldQuiesceEvent`): whether to pass the
    /// event to Hummingbird now. While the front answers, the event is kept and the connection
    /// closes after that answer; otherwise Hummingbird closes it (at once when idle).
    mutating func quiesce() -> Bool {
        closeAfterAnswer = true
        return answering != .front
    }

    /// The connection closed.
    mutating func closedByPeer() {
        closed = true
        held = []
        heldStart = 0
    }

    /// Processes one item if it may go on now; false when it must wait for the answer in progress.
    private mutating func process(_ item: Inbound, into actions: inout [Action]) -> Bool {
        switch item {
        case .head(let head, let front):
            guard answering == .none, reading == .none else { return false }
            guard !closeAfterAnswer else { return true }  // dropped: the connection closes
            if front {
                reading = .front
                answering = .front
                actions.append(.startFront(head))
            } else {
                reading = .passed
                answering = .passed
                actions.append(.forward(item))
            }
        case .body(let body):
            switch reading {
            case .front: actions.append(.frontBody(body))
            case .passed: actions.append(.forward(item))
            case .none: return true  // no request to belong to (the decoder sends none)
            }
        case .end:
            switch reading {
            case .front: actions.append(.frontEnd)
            case .passed: actions.append(.forward(item))
            case .none: return true
            }
            reading = .none
        case .inputClosed, .parseError:
            if reading == .front {
                // The front's request will not get the rest of its body: it answers, then the connection closes.
                reading = .none
                closeAfterAnswer = true
                if case .parseError(let error) = item {
                    actions.append(.frontBodyFailed(parseError: error))
                } else {
                    actions.append(.frontBodyFailed(parseError: nil))
                }
                return true
            }
            // Hummingbird ends the connection on either: only once the front's answer is out.
            guard answering != .front else { return false }
            actions.append(.forward(item))
        }
        return true
    }
}
