import Testing
import TriageRouting

@Suite("TokenEstimator")
struct TokenEstimatorTests {
    @Test("about four UTF-8 bytes per token, rounded up")
    func estimateText() {
        #expect(TokenEstimator.estimate("") == 0)
        #expect(TokenEstimator.estimate("a") == 1)
        #expect(TokenEstimator.estimate("abcd") == 1)
        #expect(TokenEstimator.estimate("abcde") == 2)
        #expect(TokenEstimator.estimate(String(repeating: "x", count: 4000)) == 1000)
        #expect(TokenEstimator.estimate("é") == 1)  // 2 bytes
        #expect(TokenEstimator.estimate("日本語") == 3)  // 9 bytes
    }

    @Test("messages add four tokens of overhead each")
    func estimateMessages() {
        #expect(TokenEstimator.estimate(messages: []) == 0)
        #expect(TokenEstimator.estimate(messages: ["abcd"]) == 5)
        #expect(TokenEstimator.estimate(messages: ["abcd", "", "abcdefgh"]) == 5 + 4 + 6)
    }
}
