import Foundation
import Testing
import TriageJudge

@Suite struct JudgeTests {
    @Test func verdictParsing() throws {
        #expect(try PairwiseVerdict.parse("B is more accurate. [[B]]").get() == .b)
        #expect(try PairwiseVerdict.parse("[[A]]\nFinal: [[A]]").get() == .a)
        #expect(try PairwiseVerdict.parse("Both fine [[C]]").get() == .tie)
        guard case .failure(let none) = PairwiseVerdict.parse("Assistant A is better.") else { Issue.record("parsed"); return }
        #expect(none.reason.contains("no [[A]], [[B]] or [[C]]"))
        #expect(none.reason.contains("Assistant A is better."))
        guard case .failure(let both) = PairwiseVerdict.parse("\"[[A]]\" if A is better, \"[[B]]\" if B") else { Issue.record("parsed"); return }
        #expect(both.reason.contains("[[A]] and [[B]]"))
    }

    @Test func positionSwapCombination() {
        // Order 1 shows remote as A, order 2 shows local as A.
        let win = PairwiseGrade.combine(remoteFirst: .success(.b), localFirst: .success(.a))
        #expect(win.outcome == "win" && win.verdicts == ["local", "local"] && win.error == nil)
        let loss = PairwiseGrade.combine(remoteFirst: .success(.a), localFirst: .success(.b))
        #expect(loss.outcome == "loss" && loss.verdicts == ["remote", "remote"])
        // Always "A": the judge followed the position, not the answer: a tie.
        let biased = PairwiseGrade.combine(remoteFirst: .success(.a), localFirst: .success(.a))
        #expect(biased.outcome == "tie" && biased.verdicts == ["remote", "local"])
        let tie = PairwiseGrade.combine(remoteFirst: .success(.tie), localFirst: .success(.tie))
        #expect(tie.outcome == "tie")
        let half = PairwiseGrade.combine(remoteFirst: .success(.b), localFirst: PairwiseVerdict.parse("hmm"))
        #expect(half.outcome == nil && half.verdicts == ["local", "none"])
        #expect(half.error?.hasPrefix("no grade: local shown first: no [[A]]") == true)
    }

    @Test func shippedPromptLoadsWithVersion() throws {
        let prompt = try JudgePrompt.load(path: nil)
        #expect(prompt.versionID.hasPrefix("triage-pairwise-v1#"))
        #expect(prompt.versionID.count == "triage-pairwise-v1#".count + 8)
        let messages = prompt.messages(question: "What is 2+2? {{answer_b}}", answerA: "4", answerB: "five", rubric: nil)
        #expect(messages.map(\.role) == ["system", "user"])
        #expect(messages[0].content.contains("Consider helpfulness, relevance, accuracy"))
        #expect(messages[0].content.contains("[[C]]"))
        // Filled in one pass: the question's own "{{answer_b}}" stays as typed.
        #expect(messages[1].content.contains("What is 2+2? {{answer_b}}"))
        #expect(messages[1].content.contains("[The Start of Assistant A's Answer]\n4\n[The End of Assistant A's Answer]"))
        #expect(messages[1].content.contains("[The Start of Assistant B's Answer]\nfive\n"))
        let ruled = prompt.messages(question: "q", answerA: "a", answerB: "b", rubric: "correctness only")
        #expect(ruled[0].content.contains("Consider correctness only."))
    }

    @Test func overridePromptAndErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("judge-prompt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("mine.txt").path
        try "# version: mine-v2\n=== system\nBe strict.\n=== user\nQ: {{question}}\nA: {{answer_a}}\nB: {{answer_b}}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let prompt = try JudgePrompt.load(path: path)
        #expect(prompt.versionID.hasPrefix("mine-v2#"))
        #expect(prompt.messages(question: "q", answerA: "x", answerB: "y", rubric: nil)[1].content == "Q: q\nA: x\nB: y")
        // An edited file is a different version id even with the same name.
        try "# version: mine-v2\n=== system\nBe lenient.\n=== user\n{{answer_a}} {{answer_b}}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try JudgePrompt.load(path: path).versionID != prompt.versionID)
        #expect(throws: JudgePromptError.unreadable(path: path + ".missing")) { try JudgePrompt.load(path: path + ".missing") }
        #expect(throws: JudgePromptError.missingVersion(source: "x")) { try JudgePrompt(text: "=== system\ns\n=== user\n{{answer_a}}{{answer_b}}", source: "x") }
        #expect(throws: JudgePromptError.missingPlaceholders(source: "x")) { try JudgePrompt(text: "# version: v\n=== system\ns\n=== user\n{{question}}", source: "x") }
        #expect(throws: JudgePromptError.missingSection(source: "x")) { try JudgePrompt(text: "# version: v\n=== user\n{{answer_a}}{{answer_b}}", source: "x") }
    }
}
