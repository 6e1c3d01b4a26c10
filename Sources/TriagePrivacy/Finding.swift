import TriageConfig

/// One sensitive value found in a text: its type, where it is and how sure the detector is.
public struct Finding: Sendable, Equatable {
    /// What was found (`card`, `email`, ... or a `privacy.patterns` name).
    public var type: SensitiveType
    /// Where, in UTF-8 byte offsets of the scanned text.
    public var range: Range<Int>
    /// How sure the detector is, 0...1: a passed checksum or a provider prefix is near 1, a
    /// format alone (a phone number without country code, a high-entropy token) lower.
    public var confidence: Double
    /// The detector that fired, e.g. `visa`, `iban DE`, `es_dni`, `github_token`, `ipv6`.
    public var detail: String

    public init(type: SensitiveType, range: Range<Int>, confidence: Double, detail: String) {
        self.type = type
        self.range = range
        self.confidence = confidence
        self.detail = detail
    }

    /// The found text itself (for masking and tests; never logged).
    public func value(in text: String) -> String {
        let bytes = Array(text.utf8)
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return "" }
        return String(decoding: bytes[range], as: UTF8.self)
    }
}
