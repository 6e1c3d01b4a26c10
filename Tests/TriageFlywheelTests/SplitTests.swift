import Foundation
import Testing
import TriageLog
@testable import TriageFlywheel

@Suite struct SplitTests {
    private func splits(of records: [RoutingLogRecord], dir: TemporaryDirectory, name: String) throws -> [String: DatasetSplit] {
        let log = dir.file("\(name).jsonl")
        try Fixture.write(records: records, to: log)
        let out = dir.file("out-\(name)")
        let options = ExportOptions(format: .promptCompletion, nearDuplicateThreshold: nil)
        let summary = try Exporter(options: options).export(logPath: log, to: .splitDirectory(out))
        #expect(summary.files.count == 3)
        var result: [String: DatasetSplit] = [:]
        for split in DatasetSplit.allCases {
            for object in try Fixture.readObjects(out + "/" + split.fileName) {
                if let prompt = object["prompt"] as? String {
                    #expect(result[prompt] == nil || result[prompt] == split, "a prompt is in two splits")
                    result[prompt] = split
                }
            }
        }
        return result
    }

    @Test func samePromptSameSplitAcrossRunsAndDatasets() throws {
        let dir = try TemporaryDirectory()
        let all = (0..<400).map { Fixture.record(id: "r\($0)", prompt: "question number \($0)", response: "answer \($0)") }
        let first = try splits(of: all, dir: dir, name: "a")
        let again = try splits(of: all, dir: dir, name: "b")
        #expect(first == again)
        // Remove half, add others: the remaining prompts keep their split.
        let changed = Array(all.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
            + (0..<100).map { Fixture.record(id: "n\($0)", prompt: "another prompt \($0)", response: "x \($0)") }
        let third = try splits(of: changed.shuffled(), dir: dir, name: "c")
        for (prompt, split) in third where prompt.hasPrefix("question") {
            #expect(first[prompt] == split)
        }
        // The same prompt with different answers, or in other case/spacing, never crosses splits.
        let variants = (0..<50).flatMap { i in
            [Fixture.record(id: "v\(i)a", prompt: "Variant  \(i)", response: "one"), Fixture.record(id: "v\(i)b", prompt: "variant \(i)", response: "two")]
        }
        let fractions = SplitFractions.standard
        _ = try splits(of: variants, dir: dir, name: "d")
        for i in 0..<50 { #expect(fractions.split(forKey: TextNormalizer.normalize("Variant  \(i)")) == fractions.split(forKey: "variant \(i)")) }
        // Roughly 90/5/5.
        let counts = Dictionary(grouping: first.values, by: { $0 }).mapValues(\.count)
        #expect((330...390).contains(counts[.train] ?? 0))
    }

    @Test func fractionsAreValidated() throws {
        #expect(throws: FlywheelError.self) { try SplitFractions(train: 0.9, validation: 0.2, test: 0) }
        #expect(throws: FlywheelError.self) { try SplitFractions(train: -0.1, validation: 0.6, test: 0.5) }
        let onlyTest = try SplitFractions(train: 0, validation: 0, test: 1)
        #expect(onlyTest.split(forKey: "anything") == .test)
    }
}
