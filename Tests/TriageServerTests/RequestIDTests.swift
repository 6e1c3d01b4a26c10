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
}
