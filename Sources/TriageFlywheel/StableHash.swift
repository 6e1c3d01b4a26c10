/// Hashes that are the same on every run and every machine (unlike `Hasher`, which is seeded per process).
public enum StableHash {
    /// FNV-1a 64 of `bytes`, starting from `seed` (the standard offset basis by default).
    public static func fnv1a64<Bytes: Sequence>(_ bytes: Bytes, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 where Bytes.Element == UInt8 {
        var hash = seed
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// FNV-1a 64 of the UTF-8 bytes of `text`.
    public static func fnv1a64(_ text: String, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        fnv1a64(text.utf8, seed: seed)
    }

    /// SplitMix64's finaliser: spreads every input bit over every output bit (FNV's high bits
    /// alone vary little between short inputs that differ in their last byte).
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform fraction in `0..<1` derived from `text`: `mix(fnv1a64(text))` scaled down.
    public static func unitInterval(_ text: String) -> Double {
        Double(mix(fnv1a64(text)) >> 11) / Double(UInt64(1) << 53)
    }
}
