/// An incremental server-sent events parser (WHATWG event-stream rules, minus `id`/`retry`).
///
/// Bytes may be split anywhere, even inside a line or a UTF-8 sequence: only complete lines are
/// decoded. Lines end with `\n`, `\r\n` or `\r`; a blank line dispatches the pending event;
/// lines starting with `:` are comments; several `data:` lines are joined with `\n`.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var name: String?
    private var dataLines: [String] = []
    private var hasData = false

    /// A parser at the start of a stream.
    public init() {}

    /// Parses `bytes` and returns the events they complete.
    public mutating func feed(_ bytes: [UInt8]) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in bytes {
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

    private mutating func endLine(into events: inout [SSEEvent]) {
        let text = String(decoding: line, as: UTF8.self)
        line.removeAll(keepingCapacity: true)
        if text.isEmpty {
            dispatch(into: &events)
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
