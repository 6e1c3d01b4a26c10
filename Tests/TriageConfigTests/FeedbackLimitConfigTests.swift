import Testing
import TriageConfig

@Suite("limits.feedback_per_minute")
struct FeedbackLimitConfigTests {
    @Test("defaults to 60, parses a positive count, and refuses zero or a non-number with its line")
    func feedbackPerMinute() throws {
        #expect(try ConfigLoader.parse(yaml: twoBackends, sourceName: "good.yaml").limits.feedbackPerMinute == 60)
        let set = try ConfigLoader.parse(yaml: twoBackends + "limits: {feedback_per_minute: 5}\n", sourceName: "good.yaml")
        #expect(set.limits.feedbackPerMinute == 5)
        for bad in ["0", "-3", "lots"] {
            let text = errorText(twoBackends + "limits: {feedback_per_minute: \(bad)}\n")
            #expect(text.contains("bad.yaml:10: limits.feedback_per_minute"), "\(bad): \(text)")
        }
    }
}
