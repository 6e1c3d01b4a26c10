import TriageHashing

/// Finds near-duplicate texts with MinHash and LSH banding, keeping the first occurrence.
///
/// The signature (`permutations` values) is cut into `bands` bands; two texts become candidates
/// when any band is identical, and a candidate is a duplicate when the signatures' estimated
/// Jaccard similarity is at least `threshold`. With 64 permutations in 16 bands of 4, a pair of
/// similarity 0.9 shares a band with probability 1 − (1 − 0.9⁴)¹⁶ > 0.9999, while dissimilar
/// pairs are rejected by the verification. The similarity is an estimate: with 64 permutations
/// its standard deviation is √(J(1 − J)/64), about 0.03 at J = 0.94, so pairs close to the
/// threshold may fall on either side (deterministically: the same texts always decide the same way).
///
/// Memory: one flat signature (2 bytes × permutations) and `bands` bucket entries per kept text:
/// about 0.4 KB per kept text with the defaults, measured with the whole export (see ``Exporter``).
public struct NearDuplicateIndex: Sendable {
    /// Estimated Jaccard similarity at or above which a text is a duplicate.
    public let threshold: Double
    /// Number of LSH bands.
    public let bands: Int
    private let hasher: MinHasher
    private let rows: Int
    /// Kept signatures, flat, 16 bits per component (a false match of two components has
    /// probability 2⁻¹⁶, a negligible bias on the estimate) to halve their memory.
    private var signatures: [UInt16] = []
    /// Band key → first kept text with that band. 32-bit keys: a false bucket hit only costs a verification.
    private var buckets: [UInt32: Int32] = [:]
    /// Number of texts kept (not duplicates).
    public private(set) var count = 0

    /// Creates an index.
    /// - Parameters:
    ///   - threshold: Similarity (0...1) at or above which a text is a near-duplicate; 0.9 by default.
    ///   - permutations: Signature length; 64 by default.
    ///   - bands: LSH bands; must divide `permutations`; 16 by default.
    public init(threshold: Double = 0.9, permutations: Int = 64, bands: Int = 16) throws(FlywheelError) {
        guard (0...1).contains(threshold) else {
            throw .invalidOption(name: "near-duplicate threshold", value: "\(threshold)", expected: "a similarity between 0 and 1")
        }
        guard permutations >= 1, bands >= 1, permutations % bands == 0 else {
            throw .invalidOption(name: "MinHash bands", value: "\(bands) bands of \(permutations) permutations", expected: "a number of bands that divides the number of permutations")
        }
        self.threshold = threshold
        self.bands = bands
        self.rows = permutations / bands
        self.hasher = MinHasher(permutations: permutations)
    }

    /// Checks `text` against the texts kept so far; keeps it and returns `false` when it is new,
    /// returns `true` (and does not keep it) when it is a near-duplicate of a kept text.
    public mutating func isDuplicate(insertingIfNew text: String) -> Bool {
        let signature = hasher.signature(of: text)
        let compact = signature.map { UInt16(truncatingIfNeeded: $0) }
        var keys: [UInt32] = []
        keys.reserveCapacity(bands)
        for band in 0..<bands {
            var key = SplitMix64.mix(UInt64(band) &+ 0x51_7CC1_B727_220A)
            for value in signature[(band * rows)..<((band + 1) * rows)] {
                key = SplitMix64.mix(key ^ UInt64(value))
            }
            let shortKey = UInt32(truncatingIfNeeded: key >> 32)
            keys.append(shortKey)
            if let other = buckets[shortKey] {
                let start = Int(other) * hasher.permutations
                if Self.similarity(signatures[start..<(start + hasher.permutations)], compact) >= threshold { return true }
            }
        }
        let index = Int32(truncatingIfNeeded: count)
        signatures.append(contentsOf: compact)
        for key in keys where buckets[key] == nil { buckets[key] = index }
        count += 1
        return false
    }

    private static func similarity(_ kept: ArraySlice<UInt16>, _ candidate: [UInt16]) -> Double {
        var equal = 0
        for (x, y) in zip(kept, candidate) where x == y { equal += 1 }
        return candidate.isEmpty ? 0 : Double(equal) / Double(candidate.count)
    }
}
