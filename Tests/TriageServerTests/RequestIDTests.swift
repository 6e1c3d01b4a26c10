import Testing

@testable import TriageServer

@Suite("Request ids")
struct RequestIDTests {
    @Test func shapeAndUniqueness() {
        var seen: Set<String> = []
        var digitsSeen: Set<Character> = []
        for _ in 0..<10_000 {
            let id = RequestID.make()
            #expect(id.hasPrefix("tr-") && id.utf8.count == 27, "\(id)")
            let hex = id.dropFirst(3)
            #expect(hex.allSatisfy { $0.isHexDigit && !$0.isUppercase }, "\(id)")
            digitsSeen.formUnion(hex)
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
        #expect(digitsSeen.count == 16)  // every hex digit turns up: the bytes are really random
    }

    @Test("well-formed ids are exactly the shape make() gives (feedback keeps such ids pending on a shared database)")
    func wellFormed() {
        for _ in 0..<100 { #expect(RequestID.isWellFormed(RequestID.make())) }
        for bad in ["", "tr-", "tr-nobody-served-this", "tr-0123456789abcdef0123456", "tr-0123456789abcdef012345678",
                    "tr-0123456789ABCDEF01234567", "xx-0123456789abcdef01234567", "tr-0123456789abcdef0123456g"] {
            #expect(!RequestID.isWellFormed(bad), "\(bad)")
        }
    }

    @Test("the random pool hands out each byte once, across refills, and never a run of zeros")
    func randomPool() {
        let pool = RandomPool()
        var taken: [[UInt8]] = []
        for size in [12, 12, 200, 12, 256, 1, 40] {  // past the end of the first 256 bytes and the next
            var bytes = [UInt8](repeating: 0, count: size)
            bytes.withUnsafeMutableBytes { pool.fill($0) }
            taken.append(bytes)
        }
        let chunks = taken.filter { $0.count >= 12 }
        #expect(Set(chunks).count == chunks.count)
        #expect(chunks.allSatisfy { !$0.allSatisfy { $0 == 0 } })
        // Two pools (two processes, say) do not repeat each other.
        var first = [UInt8](repeating: 0, count: 16), second = [UInt8](repeating: 0, count: 16)
        first.withUnsafeMutableBytes { RandomPool().fill($0) }
        second.withUnsafeMutableBytes { RandomPool().fill($0) }
        #expect(first != second)
    }
}
