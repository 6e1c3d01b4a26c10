import TriageHashing

/// MinHash signatures over word 3-shingles, for estimating the Jaccard similarity of two texts.
///
/// Words are runs of letters and digits, lowercased; a text of
/// fewer than 3 words is one shingle. Hash function `i` is SplitMix64's finaliser applied to the
/// shingle's 64-bit hash XOR a fixed seed `i`, keeping the high 32 bits, so signatures are
/// identical across runs and machines. (A cheaper multiply-add family was measured to
/// underestimate similarity by 3–6 points, so it is not used.)
///
/// Changing one word of a text of `w` words changes at most 3 of its `w − 2` shingles: the true
/// Jaccard similarity is then `(w − 5) / (w + 1)`, which reaches 0.9 at about 60 words. Shorter
/// one-word paraphrases need a lower threshold.
public struct MinHasher: Sendable {
    /// Number of hash functions (the signature's length).
    public let permutations: Int
    private let seeds: [UInt64]

    /// Creates a hasher with `permutations` hash functions (64 by default).
    public init(permutations: Int = 64) {
        self.permutations = max(1, permutations)
        var state: UInt64 = 0x5EED_F1A7_0000_0001
        var seeds: [UInt64] = []
        for _ in 0..<self.permutations {
            state = SplitMix64.mix(state)
            seeds.append(state)
        }
        self.seeds = seeds
    }

    /// The signature of `text`: for each hash function, the minimum over the text's shingles.
    public func signature(of text: String) -> [UInt32] {
        let wordHashes = TextNormalizer.wordHashes(text)
        var shingles: [UInt64] = []
        if wordHashes.count < 3 {
            shingles.append(SplitMix64.mix(wordHashes.reduce(0x1234_5678) { SplitMix64.mix($0 ^ $1) }))
        } else {
            shingles.reserveCapacity(wordHashes.count - 2)
            for index in 0..<(wordHashes.count - 2) {
                let combined = SplitMix64.mix(SplitMix64.mix(wordHashes[index]) ^ wordHashes[index + 1]) ^ (wordHashes[index + 2] &* 0x9E37_79B9_7F4A_7C15)
                shingles.append(SplitMix64.mix(combined))
            }
        }
        var signature = [UInt32](repeating: .max, count: permutations)
        seeds.withUnsafeBufferPointer { seeds in
            signature.withUnsafeMutableBufferPointer { signature in
                for shingle in shingles {
                    for index in 0..<seeds.count {
                        let value = UInt32(truncatingIfNeeded: SplitMix64.mix(shingle ^ seeds[index]) >> 32)
                        if value < signature[index] { signature[index] = value }
                    }
                }
            }
        }
        return signature
    }

    /// The estimated Jaccard similarity of two signatures: the fraction of equal components.
    public static func similarity(_ a: ArraySlice<UInt32>, _ b: ArraySlice<UInt32>) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        var equal = 0
        for (x, y) in zip(a, b) where x == y { equal += 1 }
        return Double(equal) / Double(a.count)
    }
}
