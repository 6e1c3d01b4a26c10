/// Holds back the end of a streamed answer until its routing log record is written.
///
/// A client treats a stream as complete at its terminal event (`data: [DONE]` for OpenAI
/// clients, `event: message_stop` for Anthropic clients) and the end of the body. Everything
/// before the terminal event is relayed as it arrives; from the terminal event on, bytes are
/// held here and sent only after the record is in the file, so a crash of the process never
/// leaves a client with a complete stream and no log line.
struct StreamTail: Sendable {
    private let marker: [UInt8]
    /// The last bytes already sent, to find a marker split across two chunks.
    private var sentTail: [UInt8] = []
    /// Bytes from the terminal event on, not sent yet.
    private(set) var held: [UInt8] = []

    init(api: ClientAPI) {
        marker = Array(api.streamTerminalMarker.utf8)
    }

    /// The part of `out` that may be sent now; the rest (from the terminal event on) is held.
    mutating func release(_ out: [UInt8]) -> [UInt8] {
        guard held.isEmpty else {
            held.append(contentsOf: out)
            return []
        }
        let window = sentTail + out
        guard let start = Self.firstIndex(of: marker, in: window) else {
            sentTail = Array(window.suffix(marker.count - 1))
            return out
        }
        // A marker that began in bytes already sent is held from this chunk's start.
        let cut = max(0, start - sentTail.count)
        held = Array(out[cut...])
        return Array(out[..<cut])
    }

    /// Adds bytes that end the stream (a translator's last events, or an error event) to what is held.
    mutating func hold(_ end: [UInt8]) {
        held.append(contentsOf: end)
    }

    private static func firstIndex(of marker: [UInt8], in bytes: [UInt8]) -> Int? {
        guard let first = marker.first, bytes.count >= marker.count else { return nil }
        var index = 0
        let last = bytes.count - marker.count
        while index <= last {
            if bytes[index] == first && bytes[index..<(index + marker.count)].elementsEqual(marker) {
                return index
            }
            index += 1
        }
        return nil
    }
}
