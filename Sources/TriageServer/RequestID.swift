#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Request ids: `tr-` followed by 24 random hex digits.
enum RequestID {
    /// A new id from 96 bits of the system's random generator (taken from ``RandomPool``, one
    /// system call per 21 ids instead of two per id), formatted without intermediate strings.
    static func make() -> String {
        var random: (UInt64, UInt32) = (0, 0)
        withUnsafeMutableBytes(of: &random) { RandomPool.shared.fill(UnsafeMutableRawBufferPointer(rebasing: $0[0..<12])) }
        return withUnsafeBytes(of: &random) { bytes in
            String(unsafeUninitializedCapacity: 27) { out in
                let digits: StaticString = "0123456789abcdef"
                out[0] = UInt8(ascii: "t")
                out[1] = UInt8(ascii: "r")
                out[2] = UInt8(ascii: "-")
                digits.withUTF8Buffer { digits in
                    for index in 0..<12 {
                        out[3 + 2 * index] = digits[Int(bytes[index] >> 4)]
                        out[4 + 2 * index] = digits[Int(bytes[index] & 0x0F)]
                    }
                }
                return 27
            }
        }
    }

    /// Whether `id` has the form of the ids ``make()`` gives: `tr-` and 24 lowercase hex digits.
    static func isWellFormed(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard bytes.count == 27, bytes.starts(with: Array("tr-".utf8)) else { return false }
        return bytes[3...].allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// Bytes from the kernel's random generator, fetched 256 at a time (`getentropy`, the most one
/// call gives) and handed out in order, each byte once. The same source as
/// `SystemRandomNumberGenerator`, which makes one system call per 8 bytes.
final class RandomPool: Sendable {
    static let shared = RandomPool()
    static let size = 256

    private struct State {
        var bytes = [UInt8](repeating: 0, count: RandomPool.size)
        var next = RandomPool.size
    }

    private let state = Mutex(State())

    /// Fills `out` (at most ``size`` bytes) with random bytes not given out before.
    func fill(_ out: UnsafeMutableRawBufferPointer) {
        precondition(out.count <= Self.size)
        state.withLock { state in
            if state.next + out.count > Self.size {
                state.bytes.withUnsafeMutableBytes { Self.refill($0) }
                state.next = 0
            }
            state.bytes.withUnsafeBytes { pool in
                out.copyMemory(from: UnsafeRawBufferPointer(rebasing: pool[state.next..<(state.next + out.count)]))
            }
            state.next += out.count
        }
    }

    private static func refill(_ buffer: UnsafeMutableRawBufferPointer) {
        if let base = buffer.baseAddress, getentropy(base, buffer.count) == 0 { return }
        // getentropy fails only without a usable kernel generator: the standard library's then.
        var generator = SystemRandomNumberGenerator()
        for index in buffer.indices { buffer[index] = generator.next() }
    }
}
