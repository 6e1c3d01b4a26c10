import Foundation
import Testing
import TriageLog
@testable import TriageFlywheel

@Suite struct LabelExporterTests {
    private func attempts(_ list: [(String, String)]) -> [RoutingLogRecord.Attempt] {
        list.map { RoutingLogRecord.Attempt(backend: $0.0, outcome: $0.1, status: $0.1 == "ok" ? 200 : 502, latencyMs: 10) }
    }

    @Test func rulesAndOutput() throws {
        let dir = try TemporaryDirectory()
        let log = dir.file("routing.jsonl")
        var fallback = Fixture.record(id: "fb", backend: "remote", prompt: "hard question")
        fallback.attempts = attempts([("local", "failed"), ("remote", "ok")])
        var skipped = Fixture.record(id: "sk", backend: "remote", prompt: "breaker question")
        skipped.attempts = attempts([("local", "skipped"), ("remote", "ok")])
        var wrongOrder = Fixture.record(id: "wo", backend: "local", prompt: "odd order")
        wrongOrder.attempts = attempts([("remote", "ok"), ("local", "failed")])
        let shadow = { (agreement: Double) -> [String: Any] in ["backend": "remote", "response": "answer", "status": 200, "agreement": agreement] }
        try Fixture.write([
            try Fixture.line(fallback),
            try Fixture.line(skipped),
            try Fixture.line(wrongOrder),
            try Fixture.line(Fixture.record(id: "neg", backend: "local", prompt: "disliked")),
            try Fixture.line(Fixture.record(id: "pos", backend: "local", prompt: "liked")),
            try Fixture.line(Fixture.record(id: "negRemote", backend: "remote", prompt: "disliked remote")),
            try Fixture.line(Fixture.record(id: "sd", backend: "local", prompt: "shadow disagrees"), shadow: shadow(0.2)),
            try Fixture.line(Fixture.record(id: "sa", backend: "local", prompt: "shadow agrees"), shadow: shadow(0.9)),
            try Fixture.line(Fixture.record(id: "sm", backend: "local", prompt: "shadow unsure"), shadow: shadow(0.6)),
            try Fixture.line(Fixture.record(id: "sf", backend: "local", prompt: "shadow failed"), shadow: ["backend": "remote", "status": 500, "agreement": 0.1]),
            // Feedback wins over the shadow score.
            try Fixture.line(Fixture.record(id: "pos2", backend: "local", prompt: "liked despite shadow"), shadow: shadow(0.1)),
            try Fixture.line(Fixture.record(id: "pos3", backend: "local", prompt: "LIKED"), shadow: shadow(0.9)),
            try Fixture.line(Fixture.record(id: "plain", backend: "local", prompt: "nothing known")),
        ], to: log)
        let options = LabelOptions(localBackends: ["local"], negativeIDs: ["neg", "negRemote"], positiveIDs: ["pos", "pos2"])
        let out = dir.file("labels.jsonl")
        let summary = try LabelExporter(options: options).export(logPath: log, to: out)
        let lines = try Fixture.readObjects(out)
        let labels = Dictionary(uniqueKeysWithValues: lines.compactMap { object -> (String, Int)? in
            guard let prompt = object["prompt"] as? String, let label = object["label"] as? Int else { return nil }
            return (prompt, label)
        })
        #expect(labels == [
            "hard question": 1, "disliked": 1, "liked": 0, "shadow disagrees": 1, "shadow agrees": 0, "liked despite shadow": 0,
        ])
        #expect(lines.allSatisfy { $0.count == 2 })
        #expect(summary.read == 13)
        #expect(summary.written == 6)
        #expect(summary.count(.fallbackFromLocal) == 1)
        #expect(summary.count(.negativeFeedback) == 1)
        #expect(summary.count(.positiveFeedback) == 2)
        #expect(summary.count(.shadowDisagreed) == 1)
        #expect(summary.count(.shadowAgreed) == 1)
        #expect(summary.duplicates == 1) // "LIKED" normalises to "liked" with the same label
        #expect(summary.unlabelled == 6)
        #expect(summary.description.contains("fallback_from_local"))
    }
}
