import TriageConfig
import TriageJSON

/// Typed placeholders for the sensitive values of one request: `[EMAIL_1]`, `[CARD_2]`, ...
/// The same value always gets the same placeholder, so the remote model can still refer to it;
/// ``restore(_:)`` puts the values back into its answer.
public struct Masking: Sendable, Equatable {
    /// Placeholder and value pairs, in order of first appearance.
    public private(set) var entries: [(placeholder: String, value: String)] = []
    private var counters: [SensitiveType: Int] = [:]

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    /// The placeholder for `value` of `type`, made on first use.
    public mutating func placeholder(for value: String, type: SensitiveType) -> String {
        if let existing = entries.first(where: { $0.value == value }) { return existing.placeholder }
        let number = (counters[type] ?? 0) + 1
        counters[type] = number
        let placeholder = "[\(type.placeholderStem)_\(number)]"
        entries.append((placeholder, value))
        return placeholder
    }

    /// `text` with every finding replaced by its placeholder.
    public mutating func mask(_ text: String, findings: [Finding]) -> String {
        guard !findings.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var copied = 0
        for finding in findings where finding.range.lowerBound >= copied && finding.range.upperBound <= bytes.count {
            out.append(contentsOf: bytes[copied..<finding.range.lowerBound])
            let value = String(decoding: bytes[finding.range], as: UTF8.self)
            out.append(contentsOf: placeholder(for: value, type: finding.type).utf8)
            copied = finding.range.upperBound
        }
        out.append(contentsOf: bytes[copied...])
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` with every placeholder replaced by its value.
    public func restore(_ text: String) -> String {
        guard !entries.isEmpty, text.utf8.contains(UInt8(ascii: "[")) else { return text }
        var result = text
        for entry in entries where result.contains(entry.placeholder) {
            result = result.replacing(entry.placeholder, with: entry.value)
        }
        return result
    }

    /// JSON bytes with every placeholder inside them replaced by its value, JSON-escaped.
    public func restore(jsonBytes: [UInt8]) -> [UInt8] {
        guard !entries.isEmpty, jsonBytes.contains(UInt8(ascii: "[")) else { return jsonBytes }
        var result = jsonBytes
        for entry in entries {
            var escaped = JSONWriter(capacity: entry.value.utf8.count + 2)
            escaped.string(entry.value)
            let replacement = Array(escaped.bytes.dropFirst().dropLast())
            result = Self.replace(Array(entry.placeholder.utf8), with: replacement, in: result)
        }
        return result
    }

    static func replace(_ needle: [UInt8], with replacement: [UInt8], in bytes: [UInt8]) -> [UInt8] {
        guard let first = needle.first, bytes.count >= needle.count else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == first, index + needle.count <= bytes.count, bytes[index..<(index + needle.count)].elementsEqual(needle) {
                out.append(contentsOf: replacement)
                index += needle.count
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    /// The length of the longest suffix of `text` that is the start of a placeholder (held back
    /// by a stream until the next piece says whether it is one).
    public func pendingPrefixLength(_ text: String) -> Int {
        guard let open = text.utf8.lastIndex(of: UInt8(ascii: "[")) else { return 0 }
        let suffix = text.utf8[open...]
        guard suffix.count < 32, !suffix.contains(UInt8(ascii: "]")) else { return 0 }
        return entries.contains { $0.placeholder.utf8.starts(with: suffix) } ? suffix.count : 0
    }

    public static func == (lhs: Masking, rhs: Masking) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.placeholder == $1.placeholder && $0.value == $1.value }
    }
}

/// Restores placeholders in text that arrives in pieces (a streamed answer's deltas): a piece
/// ending in what may be the start of a placeholder keeps that part back for the next one.
public struct PlaceholderStreamRestorer: Sendable {
    public let masking: Masking
    private var held = ""

    public init(masking: Masking) { self.masking = masking }

    /// Whether text is held back.
    public var isHolding: Bool { !held.isEmpty }

    /// The restored text to send now for `piece`.
    public mutating func feed(_ piece: String) -> String {
        let combined = held + piece
        let pending = masking.pendingPrefixLength(combined)
        let utf8 = combined.utf8
        let cut = utf8.index(utf8.endIndex, offsetBy: -pending)
        held = String(combined[cut...])
        return masking.restore(String(combined[..<cut]))
    }

    /// What is held back, restored (at the end of the text).
    public mutating func flush() -> String {
        defer { held = "" }
        return masking.restore(held)
    }
}
