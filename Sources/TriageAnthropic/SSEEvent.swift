/// One server-sent event: its `event:` name (nil when absent) and its `data:` lines joined by `\n`.
struct SSEEvent: Sendable, Equatable {
    var name: String?
    var data: String
}
