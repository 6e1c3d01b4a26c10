/// Deterministic FNV-1a hashing (64- and 128-bit): the one copy, for the classifier's features
/// and cache keys, the flywheel's duplicate detection and splits, shadow sampling and the judge.
///
/// Unlike Swift's `Hasher`, which is randomly seeded per process, these hashes are stable across
/// runs and machines, so hashed feature indices, held-out splits and cache keys are reproducible.
public enum FNV1a {
    /// The 64-bit offset basis.
    public static let offsetBasis64: UInt64 = 0xcbf2_9ce4_8422_2325
    /// The 64-bit prime.
    public static let prime64: UInt64 = 0x0000_0100_0000_01b3

    /// Feeds one byte into a running 64-bit hash.
    @inline(__always)
    public static func feed(_ hash: inout UInt64, byte: UInt8) {
        hash = (hash ^ UInt64(byte)) &* prime64
    }

    /// Feeds the UTF-8 encoding of one Unicode scalar value into a running 64-bit hash.
    @inline(__always)
    public static func feed(_ hash: inout UInt64, scalar value: UInt32) {
        if value < 0x80 {
            feed(&hash, byte: UInt8(truncatingIfNeeded: value))
        } else if value < 0x800 {
            feed(&hash, byte: UInt8(truncatingIfNeeded: 0xC0 | (value >> 6)))
            feed(&hash, byte: UInt8(truncatingIfNeeded: 0x80 | (value & 0x3F)))
        } else if value < 0x10000 {
            feed(&hash, byte: UInt8(truncatingIfNeeded: 0xE0 | (value >> 12)))
            feed(&hash, byte: UInt8(truncatingIfNeeded: 0x80 | ((value >> 6) & 0x3F)))
            feed(&hash, byte: UInt8(truncatingIfNeeded: 0x80 | (value & 0x3F)))
        } else {
            feed(&hash, byte: UInt8(truncatingIfNeeded: 0xF0 | (value >> 18)))
            feed(&hash, byte: UInt8(truncatingIfNeeded: 0x80 | ((value >> 12) & 0x3F)))
            feed(&hash, byte: UInt8(truncatingIfNeeded: 0x80 | ((value >> 6) & 0x3F)))
            feed(&hash, byte: UInt8(truncatingIfNeeded: 0x80 | (value & 0x3F)))
        }
    }

    /// The 64-bit FNV-1a hash of a byte sequence, starting from `seed` (the standard offset basis by default).
    public static func hash64<Bytes: Sequence>(_ bytes: Bytes, seed: UInt64 = offsetBasis64) -> UInt64 where Bytes.Element == UInt8 {
        var hash = seed
        for byte in bytes { feed(&hash, byte: byte) }
        return hash
    }

    /// The 64-bit FNV-1a hash of a string's UTF-8 encoding.
    public static func hash64(_ text: String, seed: UInt64 = offsetBasis64) -> UInt64 {
        hash64(text.utf8, seed: seed)
    }

    /// The 128-bit FNV-1a hash of a byte sequence, as 32 lowercase hex digits (used as a cache key).
    public static func hex128<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        // FNV-1a 128: offset basis 0x6c62272e07bb014262b821756295c58d, prime 2^88 + 2^8 + 0x3b.
        var high: UInt64 = 0x6c62_272e_07bb_0142
        var low: UInt64 = 0x62b8_2175_6295_c58d
        for byte in bytes {
            low ^= UInt64(byte)
            // (high, low) *= prime, where prime = (1 << 88) + 0x13b, modulo 2^128.
            let product = low.multipliedFullWidth(by: 0x13b)
            let newHigh = high &* 0x13b &+ product.high &+ (low << 24)
            low = product.low
            high = newHigh
        }
        return hexDigits(high) + hexDigits(low)
    }

    private static func hexDigits(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
