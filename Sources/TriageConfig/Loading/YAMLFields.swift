import Yams

/// The entries of one YAML mapping, looked up by key, with the mapping's field
/// path and line for messages. Null values (`key:` or `key: ~`) count as absent.
struct YAMLFields {
    /// Field path of the mapping itself, e.g. `backends[1]`; empty at the top level.
    let path: String
    /// Line of the mapping itself.
    let line: Int
    /// Entries by key, in no particular order.
    let entries: [String: (key: Node, value: Node)]
    /// True if the mapping had keys that were reported as unknown.
    let hadUnknownKeys: Bool

    /// The value for `key`, or `nil` if the key is absent or its value is null.
    func node(_ key: String) -> Node? {
        guard let entry = entries[key], !entry.value.isNull else { return nil }
        return entry.value
    }

    /// True if `key` is written in the mapping, even with a null value.
    func contains(_ key: String) -> Bool {
        entries[key] != nil
    }

    /// True if no known key has a non-null value and no unknown key was written.
    var isEmpty: Bool {
        !hadUnknownKeys && entries.values.allSatisfy { $0.value.isNull }
    }

    /// The field path of `key` inside this mapping, e.g. `backends[1].base_url`.
    func path(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The line of `key` if written, otherwise the mapping's line.
    func line(of key: String) -> Int {
        entries[key]?.key.line ?? line
    }
}

extension Node {
    /// 1-based line where the node starts (1 if unknown).
    var line: Int { mark?.line ?? 1 }

    /// True for a null scalar (`~`, `null`, or nothing).
    var isNull: Bool { null != nil }

    /// Short description for "expected …, got …" messages.
    var shortDescription: String {
        switch self {
        case let .scalar(scalar): return isNull ? "nothing" : "'\(scalar.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}
