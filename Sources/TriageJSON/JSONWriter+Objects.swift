extension JSONWriter {
    /// Starts an object whose members are written with ``key(_:)`` (commas are put in for you).
    public mutating func beginObject() {
        raw("{")
        openObjects.append(false)
    }

    /// Writes the key of the next member of the innermost object begun with ``beginObject()``:
    /// its name is the `CodingKey`'s, so a type's JSON names are spelled once, in its
    /// `CodingKeys`, for both reading and writing. The caller writes the value next.
    public mutating func key<Key: CodingKey>(_ key: Key) {
        if let last = openObjects.indices.last {
            if openObjects[last] { raw(",") } else { openObjects[last] = true }
        }
        string(key.stringValue)
        raw(":")
    }

    /// Ends the innermost object begun with ``beginObject()``.
    public mutating func endObject() {
        raw("}")
        if !openObjects.isEmpty { openObjects.removeLast() }
    }

    /// Writes `items` as an array, each through `write`.
    public mutating func array<Items: Sequence>(_ items: Items, _ write: (inout JSONWriter, Items.Element) -> Void) {
        raw("[")
        for (index, item) in items.enumerated() {
            if index > 0 { raw(",") }
            write(&self, item)
        }
        raw("]")
    }

    /// Writes an array of strings.
    public mutating func strings<Items: Sequence<String>>(_ items: Items) {
        array(items) { $0.string($1) }
    }
}
