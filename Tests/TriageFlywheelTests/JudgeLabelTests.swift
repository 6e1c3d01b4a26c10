import Foundation
import Testing
import TriageLog
@testable import TriageFlywheel

/// `export --labels` prefers the judge's grade to the word-set agreement, and reads records
/// written before judging existed (and malformed judge members) as before.
@Suite struct JudgeLabelTests {
    private func shadow(agreement: Double, judge: [String: Any]?) -> [String: Any] {
        var shadow: [String: Any] = ["backend": "remote", "response": "answer", "status": 200, "agreement": agreement]
        if let judge { shadow["judge"] = judge }
        return shadow
    }

    private func grade(_ outcome: String?) -> [String: Any] {
        var judge: [String: Any] = ["backend": "judge", "prompt_version": "triage-pairwise-v1#0", "verdicts": ["remote", "remote"], "latency_ms": 5]
        if let outcome { judge["outcome"] = outcome } else { judge["error"] = "no grade: remote shown first: no [[A]], [[B]] or [[C]]" }
        return judge
    }

    @Test func judgeGradeWinsOverAgreement() throws {
        let dir = try TemporaryDirectory()
        let log = dir.file("routing.jsonl")
        try Fixture.write([
            // Words agree, but the judge says the local answer is worse: label 1.
            try Fixture.line(Fixture.record(id: "jl", backend: "local", prompt: "judge loss"), shadow: shadow(agreement: 0.95, judge: grade("loss"))),
            // Words disagree, but the judge says the local answer is as good: label 0.
            try Fixture.line(Fixture.record(id: "jt", backend: "local", prompt: "judge tie"), shadow: shadow(agreement: 0.1, judge: grade("tie"))),
            try Fixture.line(Fixture.record(id: "jw", backend: "local", prompt: "judge win"), shadow: shadow(agreement: 0.1, judge: grade("win"))),
            // No grade (unparseable judge reply): the agreement decides, as before.
            try Fixture.line(Fixture.record(id: "jn", backend: "local", prompt: "no grade"), shadow: shadow(agreement: 0.1, judge: grade(nil))),
            // A judge member of the wrong type is ignored, the record still reads.
            try Fixture.line(Fixture.record(id: "jb", backend: "local", prompt: "bad judge"), shadow: shadow(agreement: 0.9, judge: nil).merging(["judge": "garbage"]) { $1 }),
            // An old record without any judge.
            try Fixture.line(Fixture.record(id: "old", backend: "local", prompt: "old record"), shadow: shadow(agreement: 0.9, judge: nil)),
        ], to: log)
        let out = dir.file("labels.jsonl")
        let summary = try LabelExporter(options: LabelOptions(localBackends: ["local"])).export(logPath: log, to: out)
        let labels = Dictionary(uniqueKeysWithValues: try Fixture.readObjects(out).compactMap { object -> (String, Int)? in
            guard let prompt = object["prompt"] as? String, let label = object["label"] as? Int else { return nil }
            return (prompt, label)
        })
        #expect(labels == ["judge loss": 1, "judge tie": 0, "judge win": 0, "no grade": 1, "bad judge": 0, "old record": 0])
        #expect(summary.count(.judgeWorse) == 1)
        #expect(summary.count(.judgeNotWorse) == 2)
        #expect(summary.count(.shadowDisagreed) == 1)
        #expect(summary.count(.shadowAgreed) == 2)
        #expect(summary.unreadableLines == 0)
    }

    @Test func recordWithJudgeRoundTrips() throws {
        var record = Fixture.record(id: "rt", backend: "local", prompt: "hello")
        let judge = RoutingLogRecord.Judgement(
            backend: "judge", promptVersion: "triage-pairwise-v1#abcd1234", outcome: nil, verdicts: ["local", "none"],
            error: "no grade: local shown first: no [[A]], [[B]] or [[C]] in the judge's reply \"I think\"", latencyMs: 12, costUSD: 0.001
        )
        record.shadow = RoutingLogRecord.Shadow(backend: "remote", status: 200, response: "hi", error: nil, latencyMs: 3, agreement: 0.5, costUSD: nil, judge: judge)
        let line = record.jsonLine()
        let decoded = try JSONDecoder().decode(RoutingLogRecord.self, from: Data(line))
        #expect(decoded == record)
        #expect(decoded.shadow?.judge?.score == nil)
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.contains(#""judge":{"backend":"judge","cost_usd":0.001,"error":"#))
        #expect(text.contains(#""prompt_version":"triage-pairwise-v1#abcd1234","verdicts":["local","none"]}"#))
    }
}
