import Foundation
import Testing
import TriageJSON
@testable import TriageLog

/// The writer tests' sample record, with the tail's varying columns set.
private func tailRecord(backend: String? = "local", rule: String? = "default", stream: Bool = true) -> RoutingLogRecord {
    var record = sampleRecord(backend: backend)
    record.rule = rule
    record.stream = stream
    record.ttftMs = stream ? 3.25 : nil
    return record
}

@Suite("Tail formatting")
struct TailFormatterTests {
    @Test("a tail line shows time, backend, rule, status, latency, ttft, tokens, cost and the prompt")
    func formatsLine() {
        let line = TailFormatter(promptWidth: 12).format(tailRecord())
        #expect(line == "10:00:00.123  local      default                  200     13ms ttft 3ms     10+5 tok         $0.000015   Hello \"ther…")
    }

    @Test("columns stay where they are whatever the names' lengths, streamed or not; long names end in …")
    func fixedColumns() {
        let formatter = TailFormatter()
        let lines = [
            formatter.format(tailRecord()),
            formatter.format(tailRecord(backend: "remote-anthropic-sonnet", rule: "code-or-proof-to-remote-because-it-is-hard")),
            formatter.format(tailRecord(backend: "b", rule: "r", stream: false)),
            formatter.format(tailRecord(backend: nil, rule: nil, stream: false)),
            formatter.format({ var slow = tailRecord(); slow.latencyMs = 299_999; slow.ttftMs = 99_999; return slow }()),
        ]
        // Every line has its prompt, and so every column before it, at the same offset.
        let offsets = lines.map { $0.distance(from: $0.startIndex, to: $0.range(of: "Hello")?.lowerBound ?? $0.endIndex) }
        #expect(Set(offsets).count == 1, "prompt offsets \(offsets):\n\(lines.joined(separator: "\n"))")
        let statusOffsets = lines.map { $0.distance(from: $0.startIndex, to: $0.range(of: " 200 ")?.lowerBound ?? $0.endIndex) }
        #expect(Set(statusOffsets).count == 1, "status offsets \(statusOffsets)")
        #expect(lines[1].contains("remote-an… code-or-proof-to-remote… 200"), "\(lines[1])")
        #expect(lines[3].contains("  -          rejected "), "\(lines[3])")
    }

    @Test("estimated usage and errors are marked")
    func marksEstimatesAndErrors() {
        var record = tailRecord()
        record.usage = .init(promptTokens: 3, completionTokens: 4, source: "estimated")
        record.error = "Backend 'local' timed out"
        let line = TailFormatter().format(record)
        #expect(line.contains("3+4 tok~"))
        #expect(line.hasSuffix("! Backend 'local' timed out"))
    }

    @Test("the last user message is found in string and content-part forms")
    func lastUserText() {
        let messages: JSONValue = .array([
            .object(["role": .string("user"), "content": .string("first")]),
            .object(["role": .string("assistant"), "content": .string("reply")]),
            .object(["role": .string("user"), "content": .array([
                .object(["type": .string("text"), "text": .string("part one")]),
                .object(["type": .string("image_url")]),
                .object(["type": .string("text"), "text": .string("part two")]),
            ])]),
        ])
        #expect(TailFormatter.lastUserText(messages) == "part one part two")
    }
}
