import Foundation
import Testing
import TriageLog
@testable import TriageFlywheel

@Suite struct DedupeTests {
    static let question = "Please summarise the following paragraph about the history of the Roman road network in Britain and explain why the roads were built so straight across the countryside"
    static let answer = "The Romans built roughly two thousand miles of paved roads in Britain after the conquest. They were surveyed between visible high points, which made long straight alignments the cheapest way to move troops, supplies and officials quickly between forts and towns. Many of these routes are still followed by modern roads today, because the engineering choices made by military surveyors nearly two thousand years ago remain sensible for travel across the same landscape. Archaeologists trace them through aerial photography, hedgerow lines, parish boundaries and place names that contain the old word street, and excavations show layered construction with a cambered surface, side ditches for drainage and a foundation of large stones beneath finer gravel."

    private func export(_ records: [RoutingLogRecord], threshold: Double? = 0.9, exact: Bool = true) throws -> (ExportSummary, [String]) {
        let dir = try TemporaryDirectory()
        let log = dir.file("routing.jsonl")
        try Fixture.write(records: records, to: log)
        let out = dir.file("all.jsonl")
        let options = ExportOptions(format: .promptCompletion, dedupeExact: exact, nearDuplicateThreshold: threshold)
        let summary = try Exporter(options: options).export(logPath: log, to: .singleFile(out))
        return (summary, try Fixture.readObjects(out).compactMap { $0["prompt"] as? String })
    }

    @Test func exactDuplicatesIgnoreWhitespaceAndCase() throws {
        let (summary, prompts) = try export([
            Fixture.record(id: "1", prompt: "Hello   World", response: "Hi there"),
            Fixture.record(id: "2", prompt: "hello world", response: "HI  THERE"),
            Fixture.record(id: "3", prompt: "hello world", response: "Something else"),
        ], threshold: nil)
        #expect(prompts == ["Hello   World", "hello world"])
        #expect(summary.dropped(.duplicateExact) == 1)
    }

    @Test func oneWordParaphraseCollapses() throws {
        let paraphrase = Self.question.replacingOccurrences(of: "explain", with: "describe")
        #expect(paraphrase != Self.question)
        let (summary, prompts) = try export([
            Fixture.record(id: "1", prompt: Self.question, response: Self.answer),
            Fixture.record(id: "2", prompt: paraphrase, response: Self.answer),
        ])
        #expect(prompts == [Self.question])
        #expect(summary.dropped(.duplicateNear) == 1)
        #expect(summary.dropped(.duplicateExact) == 0)
    }

    @Test func differentPromptsAreKept() throws {
        let records = [
            Fixture.record(id: "1", prompt: Self.question, response: Self.answer),
            Fixture.record(id: "2", prompt: "Write a haiku about autumn leaves falling on a quiet pond at dusk", response: "Red leaves drift and turn, the pond holds the fading light, one ripple, then none."),
            Fixture.record(id: "3", prompt: "Explain how a hash map handles collisions with open addressing and linear probing", response: "When two keys hash to the same slot, linear probing walks forward to the next free slot; lookups follow the same path until they find the key or an empty slot."),
            Fixture.record(id: "4", prompt: "What are the main differences between TCP and UDP for a video streaming service", response: "TCP guarantees ordered delivery with retransmission, adding latency; UDP sends datagrams without those guarantees, which suits live video that prefers a dropped frame over a stall."),
        ]
        let (summary, prompts) = try export(records)
        #expect(prompts.count == 4)
        #expect(summary.dropped(.duplicateNear) == 0)
    }

    @Test func minHashEstimatesJaccard() {
        let hasher = MinHasher(permutations: 64)
        let a = hasher.signature(of: Self.question + " " + Self.answer)
        let b = hasher.signature(of: (Self.question + " " + Self.answer).replacingOccurrences(of: "explain", with: "describe"))
        let c = hasher.signature(of: "completely unrelated text about cooking pasta with garlic and olive oil for dinner tonight")
        #expect(MinHasher.similarity(a[...], a[...]) == 1)
        #expect(MinHasher.similarity(a[...], b[...]) >= 0.85)
        #expect(MinHasher.similarity(a[...], c[...]) < 0.2)
        #expect(hasher.signature(of: "Same Text") == MinHasher(permutations: 64).signature(of: "same   text"))
    }

    @Test func invalidNearDuplicateOptions() {
        #expect(throws: FlywheelError.self) { try NearDuplicateIndex(threshold: 1.5) }
        #expect(throws: FlywheelError.self) { try NearDuplicateIndex(permutations: 64, bands: 10) }
    }
}
