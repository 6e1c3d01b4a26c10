import Foundation
import Testing
import TriageFlywheel

@Suite("Request id scan of routing logs")
struct RequestIDScanTests {
    private static func id(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return "tr-" + String(repeating: "0", count: 24 - hex.count) + hex
    }

    @Test("keys: 24 lowercase hex digits after tr-, first 16 digits as the number")
    func keys() {
        #expect(RequestIDScan.key("tr-00000000000000ff00000000") == 0xff)
        #expect(RequestIDScan.key("tr-0123456789abcdef01234567") == 0x0123_4567_89ab_cdef)
        #expect(RequestIDScan.key("tr-0123456789ABCDEF01234567") == nil)
        #expect(RequestIDScan.key("tr-0123") == nil)
        #expect(RequestIDScan.key("xx-0123456789abcdef01234567") == nil)
        #expect(RequestIDScan.key("") == nil)
    }

    @Test("finds every id of a multi-chunk file (matches cut by the 4 MiB chunk boundary too), nothing from text")
    func scansAcrossChunks() throws {
        let path = NSTemporaryDirectory() + "idscan-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var text = ""
        var expected = Set<UInt64>()
        // Lines of varying length so ids land at every offset around the chunk boundaries.
        for n in 1...60_000 {
            let padding = String(repeating: "x", count: (n * 37) % 211)
            // Text that mentions an id inside a string is escaped, so it never matches.
            text += #"{"endpoint":"/v1/chat/completions","id":"\#(Self.id(n << 32))","messages":"\#(padding) \"id\":\"\#(Self.id(7))\""}"#
            text += "\n"
            expected.insert(UInt64(n))
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(text.utf8.count > 9 << 20)
        let (keys, bytes) = RequestIDScan.scan(files: [path, path + ".missing"])
        #expect(bytes == text.utf8.count)
        #expect(keys == expected)
        #expect(!keys.contains(0))
    }
}
