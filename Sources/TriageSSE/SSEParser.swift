/// An incremental server-sent events parser (WHATWG event-stream rules, minus `id`/`retry`):
/// the one SSE reader, for the stream translators, the relay, the answer checks and the log.
///
/// Bytes may be split anywhere, even inside a line or a UTF-8 sequence: only complete lines are
/// decoded. Lines end with `\n`, `\r\n` or `\r`; a blank line dispatches the pending event;
/// lines starting with `:` are comments; several `data:` lines are joined with `\n`.
///
/// ``feed(_:)`` gives the events; ``feedFrames(_:)`` also gives each event's bytes as they came,
/// for a relay that passes most events through untouched.
///
/// Lines are found by scanning for the next line end and handled as byte slices: only an event's
/// name and data become strings, once per event.
public struct SSEParser: Sendable {
    /// The start of a line whose end has not arrived yet.
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var name: String?
    /// The event's `data:` lines, joined by `\n`.
    private var data: [UInt8] = []
    private var hasData = false
    /// The bytes of the frame being read (only kept by ``feedFrames(_:)``).
    private var raw: [UInt8] = []
    /// A frame ended by a blank line whose terminator was `\r`: it waits for a following `\n`.
    private var heldFrame: SSEFrame?

    /// A parser at the start of a stream.
    public init() {}

    /// Parses `bytes` and returns the events they complete.
    public mutating func feed(_ bytes: [UInt8]) -> [SSEEvent] {
        var events: [SSEEvent] = []
        var frames: [SSEFrame] = []
        scan(bytes, framing: false, events: &events, frames: &frames)
        return events
    }

    /// Ends the stream: a last unterminated line and a last event without its blank line are
    /// still delivered (a truncated upstream may have cut them).
    public mutating func finish() -> [SSEEvent] {
        var events: [SSEEvent] = []
        if !line.isEmpty {
            let rest = line
            line.removeAll()
            _ = endLine(rest[...], into: &events)
        }
        dispatch(into: &events)
        lastWasCR = false
        return events
    }

    /// Parses `bytes` and returns the frames they complete, each with its original bytes.
    public mutating func feedFrames(_ bytes: [UInt8]) -> [SSEFrame] {
        var events: [SSEEvent] = []
        var frames: [SSEFrame] = []
        scan(bytes, framing: true, events: &events, frames: &frames)
        return frames
    }

    /// The bytes left after the last complete frame (an unterminated event), and a frame held
    /// for a possible `\n`; the parser is then at the start of a stream again.
    public mutating func finishFrames() -> [UInt8] {
        let rest = (heldFrame?.bytes ?? []) + raw
        self = SSEParser()
        return rest
    }

    private mutating func scan(_ input: [UInt8], framing: Bool, events: inout [SSEEvent], frames: inout [SSEFrame]) {
        input.withUnsafeBufferPointer { bytes in
            let count = bytes.count
            var index = 0
            while index < count {
                if framing, let held = heldFrame {
                    heldFrame = nil
                    if bytes[index] == UInt8(ascii: "\n") {
                        // The `\n` of a `\r\n` blank line belongs to the frame it ends.
                        frames.append(SSEFrame(bytes: held.bytes + [UInt8(ascii: "\n")], event: held.event))
                        lastWasCR = false
                        index += 1
                        continue
                    }
                    frames.append(held)
                }
                if lastWasCR {
                    lastWasCR = false
                    if bytes[index] == UInt8(ascii: "\n") {
                        // The second half of a `\r\n` line end.
                        if framing { raw.append(UInt8(ascii: "\n")) }
                        index += 1
                        continue
                    }
                }
                var end = index
                while end < count, bytes[end] != UInt8(ascii: "\n"), bytes[end] != UInt8(ascii: "\r") { end += 1 }
                guard end < count else {
                    // The line goes on in the next bytes.
                    line.append(contentsOf: bytes[index..<count])
                    if framing { raw.append(contentsOf: bytes[index..<count]) }
                    return
                }
                if framing { raw.append(contentsOf: bytes[index...end]) }
                let dispatched: (Bool, SSEEvent?)
                if line.isEmpty {
                    dispatched = endLine(bytes[index..<end], into: &events)
                } else {
                    line.append(contentsOf: bytes[index..<end])
                    let whole = line
                    line.removeAll(keepingCapacity: true)
                    dispatched = endLine(whole[...], into: &events)
                }
                let isCR = bytes[end] == UInt8(ascii: "\r")
                lastWasCR = isCR
                if framing, dispatched.0 {
                    let frame = SSEFrame(bytes: raw, event: dispatched.1)
                    raw.removeAll(keepingCapacity: true)
                    if isCR { heldFrame = frame } else { frames.append(frame) }
                }
                index = end + 1
            }
        }
    }

    /// Handles one complete line (without its end). Returns whether it was the blank line that
    /// ends a frame, and the event it dispatched (nil: the frame had no data).
    private mutating func endLine<Line: Collection<UInt8>>(_ text: Line, into events: inout [SSEEvent]) -> (Bool, SSEEvent?) {
        guard let first = text.first else {
            let before = events.count
            dispatch(into: &events)
            return (true, events.count > before ? events.last : nil)
        }
        if first == UInt8(ascii: ":") { return (false, nil) }
        let field: Line.SubSequence
        var value: Line.SubSequence
        if let colon = text.firstIndex(of: UInt8(ascii: ":")) {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = text[...]
            value = text[text.endIndex...]
        }
        if field.elementsEqual("data".utf8) {
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            name = String(decoding: value, as: UTF8.self)
        }
        return (false, nil)
    }

    private mutating func dispatch(into events: inout [SSEEvent]) {
        if hasData {
            events.append(SSEEvent(name: name, data: String(decoding: data, as: UTF8.self)))
        }
        name = nil
        data.removeAll(keepingCapacity: true)
        hasData = false
    }
}
