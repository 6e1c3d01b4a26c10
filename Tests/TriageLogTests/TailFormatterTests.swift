import Foundation
import Testing
import TriageJSON
@testable import TriageLog

private func tailRecord(backend: String? = "local", rule: String? = "default", stream: Bool = true) -> RoutingLogRecord {
    RoutingLogRecord(
        id: "tr-1", timestamp: "2026-11-29T10:00:00.123Z", endpoint: "/v1/chat/completions",
        clientModel: "triage", stream: stream, backend: backend, upstreamModel: "small-ft", rule: rule,
        reason: "rule 'default' matched (always)", status: 200, latencyMs: 12.75, ttftMs: stream ? 3.25 : nil,
        usage: .init(promptTokens: 10, completionTokens: 5, source: "upstream"), costUSD: 0.000015,
        messages: .array([.object(["role": .string("user"), "content": .string("Hello \"there\"\nfriend")])]),
        response: "Hi!", finishReason: "stop"
    )
}

@Suite("Line splitting and tail formatting")
struct TailFormatterTests {
    @Test("lines are split only at newlines; the tail waits for its newline")
    func splitsLines() {
        var splitter = LineSplitter()
        #expect(splitter.push(Array("ab\ncd".utf8)).map { String(decoding: $0, as: UTF8.self) } == ["ab"])
        #expect(splitter.remainder() == Array("cd".utf8))
        #expect(splitter.push(Array("e\n\nf".utf8)).map { String(decoding: $0, as: UTF8.self) } == ["cde", ""])
        #expect(splitter.remainder() == Array("f".utf8))
    }

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
