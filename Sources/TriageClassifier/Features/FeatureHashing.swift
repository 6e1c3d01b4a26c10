import TriageHashing

/// How features (word unigrams, word bigrams, character n-grams) become indices in a fixed-size
/// hashed space. Everything derives from ``FNV1a`` and is stable across processes and machines.
public enum FeatureHashing {
    /// Kind byte that starts every character n-gram hash (keeps them apart from word features).
    static let charGramKind: UInt8 = 0x03

    /// The 64-bit hash of a word unigram, from the word's tokenizer hash.
    @inline(__always)
    public static func unigram(_ word: UInt64) -> UInt64 {
        mix(word ^ 0x5555_5555_5555_5555)
    }

    /// The 64-bit hash of a word bigram, from the two words' tokenizer hashes.
    @inline(__always)
    public static func bigram(_ first: UInt64, _ second: UInt64) -> UInt64 {
        mix((first &* 0x9e37_79b9_7f4a_7c15) ^ second ^ 0xaaaa_aaaa_aaaa_aaaa)
    }

    /// The 64-bit hash of a character n-gram given as scalar values (slow path, for names/tests).
    public static func charGram<Values: Sequence>(_ values: Values) -> UInt64 where Values.Element == UInt32 {
        var hash = FNV1a.offsetBasis64
        FNV1a.feed(&hash, byte: charGramKind)
        for value in values { FNV1a.feed(&hash, scalar: value) }
        return mix(hash)
    }

    /// The index of a 64-bit feature hash in a space of `mask + 1` (a power of two) buckets.
    @inline(__always)
    public static func bucket(_ hash: UInt64, mask: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: hash & mask)
    }

    /// A 64-bit finaliser (MurmurHash3's fmix64) so that the low bits used for buckets are well mixed.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k &*= 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k &*= 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }
}
