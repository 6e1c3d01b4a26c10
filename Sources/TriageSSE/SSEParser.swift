/// An incremental server-sent events parser (WHATWG event-stream rules, minus `id`/`retry`):
/// the one SSE reader, for the stream translators, the relay, the answer checks and the log.
///
/// Bytes may be split anywhere, even inside a line or a UTF-8 sequence: only complete lines are
/// decoded. Lines end with `\n`, `\r\n` or `\r`; a blank line dispatches the pending event;
/// lines starting with `:` are comments; several `data:` lines are joined with `\n`.
///
/// ``feed(_:)`` gives the events; ``feedFrames(_:)`` also gives each event's bytes as they came,
/// for a relay that passes most events through untouched.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var name: String?
    private var dataLines: [String] = []
    private var hasData = false
    /// The bytes of the frame being read (only kept by ``feedFrames(_:)``).
    private var raw: [UInt8] = []
    /// A frame ended by a blank line whose terminator was `\r`: it waits for a following `\n`.
    private var heldFrame: SSEFrame?
    private var completedFrame: SSEFrame?

    /// A parser at the start of a stream.
    public init() {}

    /// Parses `bytes` and returns the events they complete.
    public mutating func feed(_ bytes: [UInt8]) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in bytes { consume(byte, into: &events) }
        return events
    }

    /// Ends the stream: a last unterminated line and a last event without its blank line are
    /// still delivered (a truncated upstream may have cut them).
    public mutating func finish() -> [SSEEvent] {
        var events: [SSEEvent] = []
        if !line.isEmpty { endLine(into: &events) }
        dispatch(into: &events)
        lastWasCR = false
        return events
    }

    /// Parses `bytes` and returns the frames they complete, each with its original bytes.
    public mutating func feedFrames(_ bytes: [UInt8]) -> [SSEFrame] {
        var frames: [SSEFrame] = []
        var events: [SSEEvent] = []
        for byte in bytes {
            if let held = heldFrame {
                heldFrame = nil
                if byte == UInt8(ascii: "\n") {
                    // The `\n` of a `\r\n` blank line belongs to the frame it ends.
                    frames.append(SSEFrame(bytes: held.bytes + [byte], event: held.event))
                    lastWasCR = false
                    continue
                }
                frames.append(held)
            }
            raw.append(byte)
            consume(byte, into: &events)
            if let frame = completedFrame {
                completedFrame = nil
                if byte == UInt8(ascii: "\r") { heldFrame = frame } else { frames.append(frame) }
            }
        }
        return frames
    }

    /// The bytes left after the last complete frame (an unterminated event), and a frame held
    /// for a possible `\n`; the parser is then at the start of a stream again.
    public mutating func finishFrames() -> [UInt8] {
        let rest = (heldFrame?.bytes ?? []) + raw
        self = SSEParser()
        return rest
    }

    private mutating func consume(_ byte: UInt8, into events: inout [SSEEvent]) {
        switch byte {
        case UInt8(ascii: "\n"):
            if lastWasCR {
                lastWasCR = false
            } else {
                endLine(into: &events)
            }
        case UInt8(ascii: "\r"):
            endLine(into: &events)
            lastWasCR = true
        default:
            lastWasCR = false
            line.append(byte)
        }
    }

    private mutating func endLine(into events: inout [SSEEvent]) {
        let text = String(decoding: line, as: UTF8.self)
        line.removeAll(keepingCapacity: true)
        if text.isEmpty {
            let before = events.count
            dispatch(into: &events)
            completedFrame = SSEFrame(bytes: raw, event: events.count > before ? events.last : nil)
            raw.removeAll(keepingCapacity: true)
            return
        }
        if text.hasPrefix(":") { return }
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
        } else {
            field = text[...]
            value = ""
        }
        switch field {
        case "event": name = String(value)
        case "data":
            dataLines.append(String(value))
            hasData = true
        default: break
        }
    }

    private mutating func dispatch(into events: inout [SSEEvent]) {
        if hasData {
            events.append(SSEEvent(name: name, data: dataLines.joined(separator: "\n")))
        }
        name = nil
        dataLines.removeAll()
        hasData = false
    }
}
