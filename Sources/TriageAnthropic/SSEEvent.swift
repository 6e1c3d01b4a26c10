/// One server-sent event: its `event:` name (nil when absent) and its `data:` lines joined by `\n`.
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field, or nil.
    public var name: String?
    /// The `data:` lines, joined by `\n`.
    public var data: String
}
