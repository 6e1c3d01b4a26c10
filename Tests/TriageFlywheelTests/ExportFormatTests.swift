import Foundation
import Testing
import TriageJSON
import TriageLog
@testable import TriageFlywheel

@Suite struct ExportFormatTests {
    @Test func chatFormatParsesBack() throws {
        let dir = try TemporaryDirectory()
        let log = dir.file("routing.jsonl")
        var record = Fixture.record(id: "1", prompt: "Translate 'cat' to French", response: "chat")
        record.messages = Fixture.messages("Translate 'cat' to French", system: "You are a translator.")
        try Fixture.write(records: [record], to: log)
        let out = dir.file("chat.jsonl")
        let summary = try Exporter(options: ExportOptions(format: .chat)).export(logPath: log, to: .singleFile(out))
        #expect(summary.keptTotal == 1)
        #expect(summary.kept.isEmpty)
        let objects = try Fixture.readObjects(out)
        let messages = try #require(objects.first?["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["system", "user", "assistant"])
        #expect(messages.map { $0["content"] as? String } == ["You are a translator.", "Translate 'cat' to French", "chat"])
        #expect(objects.first?.count == 1)
    }

    @Test func promptCompletionUsesLastUserMessage() throws {
        let dir = try TemporaryDirectory()
        let log = dir.file("routing.jsonl")
        var record = Fixture.record(id: "1", response: "Four.")
        record.messages = .array([
            .object(["role": .string("user"), "content": .string("first")]),
            .object(["role": .string("assistant"), "content": .string("reply")]),
            .object(["role": .string("user"), "content": .array([.object(["type": .string("text"), "text": .string("2+2?")])])]),
        ])
        try Fixture.write(records: [record], to: log)
        let out = dir.file("pc.jsonl")
        _ = try Exporter(options: ExportOptions(format: .promptCompletion)).export(logPath: log, to: .singleFile(out))
        let objects = try Fixture.readObjects(out)
        #expect(objects.count == 1)
        #expect(objects.first?["prompt"] as? String == "2+2?")
        #expect(objects.first?["completion"] as? String == "Four.")
    }

    @Test func summaryCountsAndTable() throws {
        let dir = try TemporaryDirectory()
        let log = dir.file("routing.jsonl")
        try Fixture.write(records: (0..<20).map { Fixture.record(id: "\($0)", prompt: "prompt \($0)", response: "r\($0)") }
            + [Fixture.record(id: "dup", prompt: "prompt 1", response: "r1"), Fixture.record(id: "f", status: 500, response: nil)], to: log)
        let summary = try Exporter().export(logPath: log, to: .splitDirectory(dir.file("out")))
        #expect(summary.read == 22)
        #expect(summary.keptTotal == 20)
        #expect(summary.kept.values.reduce(0, +) == 20)
        #expect(summary.dropped(.duplicateExact) == 1)
        #expect(summary.dropped(.failedStatus) == 1)
        #expect(summary.droppedTotal == 2)
        let lines = DatasetSplit.allCases.map { (try? Fixture.readObjects(dir.file("out/\($0.fileName)")).count) ?? -1 }
        #expect(lines.reduce(0, +) == 20)
        #expect(!FileManager.default.fileExists(atPath: dir.file("out/train.jsonl.partial")))
        #expect(summary.description.contains("duplicate_exact"))
        let json = try JSONEncoder().encode(summary)
        let decoded = try JSONDecoder().decode(ExportSummary.self, from: json)
        #expect(decoded == summary)
        #expect(String(decoding: json, as: UTF8.self).contains("\"duplicate_exact\":1"))
    }
}
