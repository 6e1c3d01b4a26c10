import TriageHashing

/// Remembers 128-bit fingerprints of normalised texts to drop exact duplicates (16 bytes per text).
public struct ExactDuplicateSet: Sendable {
    private struct Fingerprint: Hashable, Sendable {
        var high: UInt64
        var low: UInt64
    }

    private var seen: Set<Fingerprint> = []

    /// Creates an empty set.
    public init() {}

    /// Number of distinct texts seen.
    public var count: Int { seen.count }

    /// Whether `text`, after ``TextNormalizer/normalize(_:)``, was seen before; remembers it if not.
    public mutating func isDuplicate(insertingIfNew text: String) -> Bool {
        let normalized = TextNormalizer.normalizedBytes(text)
        let fingerprint = Fingerprint(
            high: FNV1a.hash64(normalized),
            low: FNV1a.hash64(normalized, seed: 0x8422_2325_cbf2_9ce4)
        )
        return !seen.insert(fingerprint).inserted
    }
}
