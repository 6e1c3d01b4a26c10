extension JSONValue {
    /// Rough size of the value in memory and as JSON text, in bytes: string bytes plus a fixed
    /// cost per node. Cheap (`String.utf8.count` is constant-time for native strings); used to
    /// bound queues by bytes rather than by count.
    public var estimatedSize: Int {
        switch self {
        case .null, .bool, .number: return 16
        case .string(let text): return 16 + text.utf8.count
        case .array(let items): return items.reduce(16) { $0 + $1.estimatedSize }
        case .object(let members): return members.reduce(32) { $0 + 16 + $1.key.utf8.count + $1.value.estimatedSize }
        }
    }
}
