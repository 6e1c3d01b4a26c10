/// A small, seeded, deterministic pseudo-random number generator (SplitMix64).
///
/// Used for reproducible shuffling during training and for synthetic data; never for anything
/// security-related.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 pseudo-random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return Self.finalize(state)
    }

    /// SplitMix64's output function: spreads every input bit over every output bit.
    @inline(__always)
    static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// One SplitMix64 step from `value` (the golden-ratio increment, then ``finalize(_:)``): a
    /// stateless mix for hashes (FNV's high bits alone vary little between short inputs that
    /// differ in their last byte).
    public static func mix(_ value: UInt64) -> UInt64 {
        finalize(value &+ 0x9e37_79b9_7f4a_7c15)
    }

    /// A uniform fraction in `0..<1` derived from `text`: `mix(FNV-1a(text))` scaled down.
    public static func unitInterval(hashing text: String) -> Double {
        Double(mix(FNV1a.hash64(text)) >> 11) / Double(UInt64(1) << 53)
    }

    /// A deterministic Fisher–Yates shuffle of `array` (independent of the standard library's
    /// unspecified shuffling algorithm).
    public mutating func shuffle<Element>(_ array: inout [Element]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            array.swapAt(i, j)
        }
    }
}
