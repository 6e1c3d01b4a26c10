import Foundation
import Testing
import TriageClassifier
import TriageFlywheel
import TriageJSON
import TriageLog
@testable import TriageScoring

@Suite("triage score batches")
struct BatchScorerTests {
    static let reference = (0..<40).map { "why was my card number \($0) declined at the shop" }
        + (0..<40).map { "how do i change the pin of my card \($0)" }

    private func scorer(reference: Bool = true) throws -> BatchScorer {
        let index = reference ? try ReferenceIndex(prompts: Self.reference) : nil
        return BatchScorer(classifier: Classifier(reference: index, complexity: try ComplexityModel.bundledDefault()),
                           minFit: 0.05, maxComplexity: 0.5)
    }

    /// Writes `text` to a temporary file and runs the scorer over it with a small read size, so
    /// lines cross chunk boundaries.
    private func run(_ scorer: BatchScorer, _ text: String) throws -> (lines: [JSONValue], summary: BatchSummary, reports: [String]) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("triage-score-\(UUID().uuidString).jsonl").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var output: [UInt8] = []
        var reports: [String] = []
        let summary = try scorer.run(reader: try LineReader(path: path, chunkBytes: 32),
                                     sink: { output.append(contentsOf: $0) }, report: { reports.append("\($0): \($1)") })
        let lines = try output.split(separator: UInt8(ascii: "\n")).map { try JSONParser.parse($0) }
        return (lines, summary, reports)
    }

    @Test("one output line per input line, in order, with the classifier's own scores and decision")
    func scoresInOrder() throws {
        let scorer = try scorer()
        let prompts = ["why was my card declined at the shop", "Prove that sqrt(2) is irrational, step by step, with a rigorous argument."]
        let input = prompts.enumerated().map { #"{"id":\#($0.offset),"prompt":"\#($0.element)"}"# }.joined(separator: "\n")
        let (lines, summary, reports) = try run(scorer, input)  // no final newline: the last line still counts
        #expect(summary == { var s = BatchSummary(); s.lines = 2; s.scored = 2; return s }())
        #expect(reports.isEmpty)
        #expect(lines.count == 2)
        for (index, line) in lines.enumerated() {
            let expected = scorer.classifier.classify(prompt: prompts[index])
            let decision = Classifier.decide(fit: expected.fit, complexity: expected.complexity, minFit: 0.05, maxComplexity: 0.5)
            #expect(line["line"] == .number(Double(index + 1)))
            #expect(line["id"] == .number(Double(index)))
            #expect(line["fit"] == expected.fit.map { .number($0) })
            #expect(line["similarity"] == expected.rawSimilarity.map { .number($0) })
            #expect(line["complexity"] == .number(expected.complexity))
            #expect(line["decision"] == .string(decision.local ? "local" : "remote"))
            #expect(line["decided_by"] == .string(decision.decidedBy.rawValue))
        }
        #expect(lines[0]["decision"] == .string("local"))
        #expect(lines[1]["decision"] == .string("remote"))
    }

    @Test("a bad line gets an error line naming it; blank lines are skipped; the rest is scored")
    func badLines() throws {
        let input = "{\"prompt\":\"a\"}\n\n{oops\n{\"messages\":[]}\n{\"prompt\":\"b\"}\n"
        let (lines, summary, reports) = try run(try scorer(reference: false), input)
        #expect(summary.lines == 5 && summary.scored == 2 && summary.failed == 2)
        #expect(lines.map { $0["line"] } == [1, 3, 4, 5].map { .number(Double($0)) })
        #expect(lines[1]["error"]?.stringValue?.hasPrefix("not valid JSON") == true)
        #expect(lines[2]["error"] == .string("\"messages\" holds no message with role \"user\""))
        #expect(lines[0]["fit"] == .null && lines[0]["similarity"] == .null)
        #expect(reports.count == 2 && reports[0].hasPrefix("3: not valid JSON"))
    }

    @Test("the message count reaches the complexity score, and long prompts are scored on their last 8 KiB")
    func conversationDepthAndLength() throws {
        let scorer = try scorer(reference: false)
        let deep = ScoreInput(prompt: "and then?", messageCount: 9)
        #expect(scorer.score(deep).complexity == scorer.classifier.classify(prompt: "and then?", messageCount: 9).complexity)
        let long = String(repeating: "word ", count: 4000) + "tail"
        let tail = String(decoding: long.utf8.suffix(BatchScorer.maxScoredBytes), as: UTF8.self)
        #expect(scorer.score(ScoreInput(prompt: long)).complexity == scorer.classifier.classify(prompt: tail).complexity)
    }

    @Test("thresholds given to the scorer decide")
    func thresholds() throws {
        let strict = BatchScorer(classifier: try scorer().classifier, minFit: 1.01, maxComplexity: 0.5)
        let result = strict.score(ScoreInput(prompt: "why was my card declined at the shop"))
        #expect(result.decision.local == false)
        #expect(result.decision.decidedBy == .fit || result.decision.decidedBy == .both)
    }
}
