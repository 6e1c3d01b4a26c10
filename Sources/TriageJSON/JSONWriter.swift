/// Writes JSON to a byte buffer quickly, without `JSONEncoder`: for log lines and bodies on hot paths.
public struct JSONWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]
    /// For each object begun with ``beginObject()`` and not yet ended: whether it has a member yet.
    var openObjects: [Bool] = []

    /// Creates a writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Creates an empty writer that writes into `storage`'s memory (kept from an earlier
    /// writer, so a loop that writes many documents does not allocate for each).
    public init(reusing storage: consuming [UInt8]) {
        bytes = consume storage
        bytes.removeAll(keepingCapacity: true)
    }

    /// Number of bytes written so far.
    public var count: Int { bytes.count }

    /// Makes room for at least `capacity` bytes in all.
    public mutating func reserveCapacity(_ capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Forgets the bytes written so far (the memory is kept for what comes next).
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        openObjects.removeAll()
    }

    /// Appends raw bytes that are already valid JSON (or punctuation).
    public mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends raw bytes that are already valid JSON.
    public mutating func raw<Bytes: Collection>(_ other: Bytes) where Bytes.Element == UInt8 {
        bytes.append(contentsOf: other)
    }

    /// Appends a JSON string literal, escaped.
    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            bytes.append(UInt8(ascii: "\""))
            guard let base = utf8.baseAddress else {
                bytes.append(UInt8(ascii: "\""))
                return
            }
            let end = utf8.count
            var runStart = 0
            while runStart < end {
                let special = StringScan.firstSpecial(base, from: runStart, end: end)
                if special > runStart {
                    bytes.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: special - runStart))
                }
                guard special < end else { break }
                appendEscaped(base[special])
                runStart = special + 1
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// Appends the escape sequence of one special byte (`"`, `\\` or a control character).
    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        default:
            let hex: StaticString = "0123456789abcdef"
            let digits = hex.utf8Start
            bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                      digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
        }
    }

    /// Appends a number: integers without a fraction, others in Swift's shortest round-trip form.
    public mutating func number(_ value: Double) {
        guard value.isFinite else {
            raw("null")
            return
        }
        if value.rounded() == value, abs(value) < 1e15 {
            number(Int(value))
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    /// Appends an integer (its decimal digits written in place, no string made).
    public mutating func number(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for UInt64.max's 20 digits
        let count = withUnsafeMutableBytes(of: &digits) { buffer -> Int in
            var end = buffer.count
            repeat {
                end -= 1
                buffer[end] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            return buffer.count - end
        }
        withUnsafeBytes(of: &digits) { buffer in
            bytes.append(contentsOf: buffer[(buffer.count - count)...])
        }
    }

    /// Appends `true` or `false`.
    public mutating func bool(_ value: Bool) {
        value ? raw("true") : raw("false")
    }

    /// One member of an object written by ``value(_:)``: `"key":value`, after a comma unless it is the first.
    private mutating func member(_ key: String, _ value: JSONValue, first: Bool) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        string(key)
        bytes.append(UInt8(ascii: ":"))
        self.value(value)
    }

    /// Appends any JSON value (object keys sorted, for stable output).
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): bool(flag)
        case .number(let number): self.number(number)
        case .string(let text): string(text)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                self.value(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            if members.count <= 2 {
                // One or two members (a chat message's role and content): put in order without
                // sorting an array of them.
                var iterator = members.makeIterator()
                switch (iterator.next(), iterator.next()) {
                case let (one?, two?):
                    let (first, second) = one.key < two.key ? (one, two) : (two, one)
                    member(first.key, first.value, first: true)
                    member(second.key, second.value, first: false)
                case let (one?, nil):
                    member(one.key, one.value, first: true)
                default:
                    break
                }
            } else {
                // Sorted as pairs: no dictionary lookup (hashing each key again) per member.
                for (index, element) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                    member(element.key, element.value, first: index == 0)
                }
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}

extension JSONValue {
    /// This value as compact JSON bytes.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        writer.value(self)
        return writer.bytes
    }
}

extension JSONWriter {
    /// Appends a value indented two spaces a level, with `"key" : value` members and sorted keys
    /// (the layout of Foundation's pretty-printed JSON), for files people read.
    public mutating func pretty(_ value: JSONValue, level: Int = 0) {
        func newline(_ level: Int) {
            raw("\n")
            for _ in 0..<level { raw("  ") }
        }
        switch value {
        case .array(let items) where !items.isEmpty:
            raw("[")
            for (index, item) in items.enumerated() {
                if index > 0 { raw(",") }
                newline(level + 1)
                pretty(item, level: level + 1)
            }
            newline(level)
            raw("]")
        case .object(let members) where !members.isEmpty:
            raw("{")
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { raw(",") }
                newline(level + 1)
                string(key)
                raw(" : ")
                if let member = members[key] { pretty(member, level: level + 1) }
            }
            newline(level)
            raw("}")
        default:
            self.value(value)
        }
    }
}
