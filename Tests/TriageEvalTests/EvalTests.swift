import Foundation
import Testing
import TriageConfig
import TriageJSON
@testable import TriageEval

@Suite struct EvalTests {
    @Test func answerMatch() {
        #expect(AnswerMatch.exact("The Answer is: 42.", "answer is 42"))
        #expect(!AnswerMatch.exact("41", "42"))
        #expect(AnswerMatch.f1("Paris is the capital", "the capital is Paris") == 1)
        // 2 of 3 predicted tokens, 2 of 4 expected: P 2/3, R 1/2, F1 4/7.
        #expect(abs(AnswerMatch.f1("paris france europe", "paris france is nice") - 4.0 / 7.0) < 1e-12)
        #expect(AnswerMatch.f1("", "") == 1)
        #expect(AnswerMatch.f1("x", "") == 0)
        #expect(AnswerMatch.f1("a an the", "the") == 1)
    }

    @Test func itemsFromExportLines() throws {
        let chat = #"{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Capital of France?"},{"role":"assistant","content":"Paris."}]}"#
        let item = try EvalItem.parse(line: ArraySlice(chat.utf8), number: 3).get()
        #expect(item.reference == "Paris.")
        #expect(item.id.hasPrefix("L3-"))
        guard case .array(let messages) = item.messages else { Issue.record("no messages"); return }
        #expect(messages.count == 2)
        let pc = try EvalItem.parse(line: ArraySlice(#"{"prompt":"2+2?","completion":"4"}"#.utf8), number: 1).get()
        #expect(pc.reference == "4")
        #expect(throws: EvalDataError.self) { try EvalItem.parse(line: ArraySlice(#"{"messages":[{"role":"user","content":"q"}]}"#.utf8), number: 2).get() }
        #expect(throws: EvalDataError.self) { try EvalItem.parse(line: ArraySlice("{torn".utf8), number: 4).get() }
    }

    @Test func loadSkipsBadLinesAndProgressResumes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("test.jsonl").path
        try (#"{"prompt":"a","completion":"b"}"# + "\n\nnot json\n" + #"{"prompt":"c","completion":"d"}"# + "\n" + #"{"prompt":"e","comp"#)
            .write(toFile: data, atomically: true, encoding: .utf8)
        var skipped: [EvalDataError] = []
        let items = try EvalItem.load(path: data) { skipped.append($0) }
        #expect(items.map(\.reference) == ["b", "d"])
        #expect(skipped.count == 2)
        let progressPath = dir.appendingPathComponent("progress.jsonl").path
        let first = EvalOutcome(id: items[0].id, error: nil, exact: true, f1: 1, judgeOutcome: "tie", latencyMs: 5, promptTokens: 3, completionTokens: 1, answer: "b")
        do {
            let progress = try EvalProgress(path: progressPath, resume: false)
            progress.append(first)
        }
        // A run killed mid-line leaves a torn tail; resuming ends it and keeps the finished item.
        let handle = try #require(FileHandle(forWritingAtPath: progressPath))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"id":"L3-"#.utf8))
        try handle.close()
        #expect(EvalProgress.finished(path: progressPath) == [first.id: first])
        let second = EvalOutcome(id: items[1].id, error: "backend 'x' answered HTTP 500", exact: false, f1: 0, latencyMs: 1, promptTokens: 0, completionTokens: 0, answer: "")
        do {
            let progress = try EvalProgress(path: progressPath, resume: true)
            progress.append(second)
        }
        #expect(EvalProgress.finished(path: progressPath) == [first.id: first, second.id: second])
        let attributes = try FileManager.default.attributesOfItem(atPath: progressPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        _ = try EvalProgress(path: progressPath, resume: false)
        #expect(EvalProgress.finished(path: progressPath).isEmpty)
    }

    @Test func summaryPassFail() {
        let outcomes = [
            EvalOutcome(id: "1", error: nil, exact: true, f1: 1, judgeOutcome: "win", latencyMs: 100, promptTokens: 10, completionTokens: 5, answer: "x"),
            EvalOutcome(id: "2", error: nil, exact: false, f1: 0.5, judgeOutcome: "loss", latencyMs: 300, promptTokens: 10, completionTokens: 7, answer: "y"),
            EvalOutcome(id: "3", error: nil, exact: false, f1: 0.2, judgeError: "no grade: x", latencyMs: 200, promptTokens: 10, completionTokens: 9, answer: "z"),
            EvalOutcome(id: "4", error: "timeout", exact: false, f1: 0, latencyMs: 0, promptTokens: 0, completionTokens: 0, answer: ""),
        ]
        let summary = EvalSummary(backend: "local", data: "t.jsonl", outcomes: outcomes, judge: "remote", metric: .f1, threshold: 0.4)
        #expect(summary.items == 4 && summary.answered == 3 && summary.failed == 1)
        #expect(summary.exactMatch == 0.25)
        #expect(abs(summary.meanF1 - 0.425) < 1e-12)
        #expect(summary.passed)
        #expect(summary.wins == 1 && summary.losses == 1 && summary.noGrade == 1)
        #expect(summary.judgeScore == 0.5)
        #expect(summary.latencyP50 == 200 && summary.latencyP90 == 300)
        #expect(summary.promptTokens == 30 && summary.completionTokens == 21)
        #expect(summary.text.contains("PASS: f1 0.425 >= threshold 0.4"))
        let strict = EvalSummary(backend: "local", data: "t.jsonl", outcomes: outcomes, judge: "remote", metric: .judge, threshold: 0.6)
        #expect(!strict.passed)
        #expect(strict.text.contains("FAIL: judge 0.500 < threshold 0.6"))
        #expect(strict.json["passed"] == .bool(false))
        #expect(!EvalSummary(backend: "b", data: "d", outcomes: outcomes, judge: nil, metric: .f1, threshold: nil).passed)
    }

    @Test func outcomeLineRoundTripsAndOddCountsReadAsZero() throws {
        let outcome = EvalOutcome(id: "7", error: nil, exact: false, f1: 0.25, judgeOutcome: "tie", latencyMs: 12.5, promptTokens: 31, completionTokens: 4, answer: "z")
        #expect(EvalOutcome(json: outcome.json) == outcome)
        // Counts the writer never writes (not whole, out of range, infinite) read as 0, not a trap.
        for odd in ["2.5", "1e30", "-1e400", "1e400"] {
            let line = #"{"id":"x","exact":true,"f1":1,"latency_ms":1,"prompt_tokens":\#(odd),"completion_tokens":3}"#
            let read = try #require(EvalOutcome(json: try JSONParser.parse(Array(line.utf8))))
            #expect(read.promptTokens == 0, "prompt_tokens \(odd)")
            #expect(read.completionTokens == 3)
        }
    }
}
