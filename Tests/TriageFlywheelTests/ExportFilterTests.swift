import Foundation
import Testing
import TriageLog
@testable import TriageFlywheel

@Suite struct ExportFilterTests {
    /// Exports `records` as one file with `options` (no dedupe unless asked) and returns the summary and kept ids' prompts.
    private func run(_ records: [RoutingLogRecord], _ options: ExportOptions) throws -> (ExportSummary, [String]) {
        let dir = try TemporaryDirectory()
        let log = dir.file("routing.jsonl")
        try Fixture.write(records: records, to: log)
        let out = dir.file("out/all.jsonl")
        let summary = try Exporter(options: options).export(logPath: log, to: .singleFile(out))
        let prompts = try Fixture.readObjects(out).compactMap { $0["prompt"] as? String }
        return (summary, prompts)
    }

    private func options(_ configure: (inout ExportOptions) -> Void = { _ in }) -> ExportOptions {
        var options = ExportOptions(format: .promptCompletion, dedupeExact: false, nearDuplicateThreshold: nil)
        configure(&options)
        return options
    }

    @Test func backendFilter() throws {
        let (summary, prompts) = try run([
            Fixture.record(id: "1", backend: "local", prompt: "p1"),
            Fixture.record(id: "2", backend: "remote", prompt: "p2"),
            Fixture.record(id: "3", backend: nil, prompt: "p3"),
        ], options { $0.backends = ["remote"] })
        #expect(prompts == ["p2"])
        #expect(summary.dropped(.filteredBackend) == 2)
    }

    @Test func timeFilter() throws {
        let since = Fixture.base.addingTimeInterval(10 * 60)
        let until = Fixture.base.addingTimeInterval(20 * 60)
        let (summary, prompts) = try run([
            Fixture.record(id: "1", minutes: 5, prompt: "early"),
            Fixture.record(id: "2", minutes: 10, prompt: "at-since"),
            Fixture.record(id: "3", minutes: 19.9, prompt: "inside"),
            Fixture.record(id: "4", minutes: 20, prompt: "at-until"),
        ], options { $0.since = since; $0.until = until })
        #expect(prompts == ["at-since", "inside"])
        #expect(summary.dropped(.filteredTime) == 2)
    }

    @Test func ruleFilter() throws {
        let (summary, prompts) = try run([
            Fixture.record(id: "1", rule: "routine", prompt: "a"),
            Fixture.record(id: "2", rule: "hard", prompt: "b"),
            Fixture.record(id: "3", rule: nil, prompt: "c"),
        ], options { $0.rules = ["hard", "(default)"] })
        #expect(prompts == ["b", "c"])
        #expect(summary.dropped(.filteredRule) == 1)
    }

    @Test func statusFilterDefaultsToSuccessfulAnswers() throws {
        let (summary, prompts) = try run([
            Fixture.record(id: "1", prompt: "ok"),
            Fixture.record(id: "2", status: 502, error: "upstream failed", prompt: "failed", response: nil),
            Fixture.record(id: "3", status: 200, error: "stream cut", prompt: "errored"),
            Fixture.record(id: "4", prompt: "empty", response: ""),
            Fixture.record(id: "5", status: 429, prompt: "limited"),
        ], options())
        #expect(prompts == ["ok"])
        #expect(summary.dropped(.failedStatus) == 4)
    }

    @Test func negativeFeedbackExcluded() throws {
        let (summary, prompts) = try run([
            Fixture.record(id: "good", prompt: "a"),
            Fixture.record(id: "bad", prompt: "b"),
        ], options { $0.excludedIDs = ["bad"] })
        #expect(prompts == ["a"])
        #expect(summary.dropped(.negativeFeedback) == 1)
    }

    @Test func lengthFilters() throws {
        // Length = message texts + response, in Unicode scalars.
        let (summary, prompts) = try run([
            Fixture.record(id: "1", prompt: "ab", response: "c"), // 3
            Fixture.record(id: "2", prompt: "abcd", response: "e"), // 5
            Fixture.record(id: "3", prompt: "abcdefgh", response: "ij"), // 10
            Fixture.record(id: "4", prompt: "abcdefghi", response: "jk"), // 11
        ], options { $0.minLength = 5; $0.maxLength = 10 })
        #expect(prompts == ["abcd", "abcdefgh"])
        #expect(summary.dropped(.tooShort) == 1)
        #expect(summary.dropped(.tooLong) == 1)
    }

    @Test func noConversationAndUnreadableLines() throws {
        let dir = try TemporaryDirectory()
        let log = dir.file("routing.jsonl")
        try Fixture.write([
            try Fixture.line(Fixture.record(id: "1", prompt: "kept")),
            try Fixture.line(Fixture.record(id: "2", prompt: nil)),
            "not json at all",
        ], to: log)
        let summary = try Exporter(options: options()).export(logPath: log, to: .singleFile(dir.file("x.jsonl")))
        #expect(summary.read == 2)
        #expect(summary.keptTotal == 1)
        #expect(summary.dropped(.noConversation) == 1)
        #expect(summary.dropped(.unreadableLine) == 1)
        #expect(summary.description.contains("unreadable_line"))
    }
}
