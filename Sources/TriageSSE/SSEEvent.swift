/// One server-sent event: its `event:` name (nil when absent) and its `data:` lines joined by `\n`.
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field, or nil.
    public var name: String?
    /// The `data:` lines, joined by `\n`.
    public var data: String

    /// An event named `name` (nil: no `event:` line) carrying `data`.
    public init(name: String?, data: String) {
        self.name = name
        self.data = data
    }

    /// Appends one event in wire form: `event: <name>` when named, one `data: ` line per line
    /// of `data`, then the blank line that ends it.
    public static func write<Data: Collection<UInt8>>(name: String?, data: Data, into out: inout [UInt8]) {
        if let name {
            out.append(contentsOf: "event: ".utf8)
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: "\n"))
        }
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            out.append(contentsOf: "data: ".utf8)
            out.append(contentsOf: line)
            out.append(UInt8(ascii: "\n"))
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// Appends `data: <data>` and the blank line: an unnamed one-line event (OpenAI's chunks, `[DONE]`).
    public static func writeData<Data: Collection<UInt8>>(_ data: Data, into out: inout [UInt8]) {
        write(name: nil, data: data, into: &out)
    }

    /// One event in wire form (see ``write(name:data:into:)``).
    public static func bytes<Data: Collection<UInt8>>(name: String?, data: Data) -> [UInt8] {
        var out: [UInt8] = []
        write(name: name, data: data, into: &out)
        return out
    }
}

/// One complete event as it came on the wire (comments, field order and line endings kept), with
/// what it parses to: nil for a frame without `data:` (only comments or other fields).
public struct SSEFrame: Sendable, Equatable {
    /// The frame's bytes, up to and including the blank line that ends it.
    public var bytes: [UInt8]
    /// The parsed event, or nil when the frame carries no data.
    public var event: SSEEvent?
}
