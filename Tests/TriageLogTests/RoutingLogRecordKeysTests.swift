import Testing
import TriageJSON
import TriageLog

@Suite("Routing log record: one definition for reading and writing")
struct RoutingLogRecordKeysTests {
    /// A record with every member set, nested ones included.
    private static func fullRecord() -> RoutingLogRecord {
        var record = RoutingLogRecord(
            id: "tr-full", timestamp: "2026-12-01T10:00:00.000Z", endpoint: "/v1/chat/completions", clientModel: "triage",
            stream: true, backend: "local", upstreamModel: "small", rule: "auto", reason: "fit 0.9", status: 200,
            error: "none", latencyMs: 12.5, ttftMs: 3.25, usage: .init(promptTokens: 7, completionTokens: 2, source: "upstream"),
            costUSD: 0.001, messages: .array([.object(["role": .string("user"), "content": .string("hi \"you\"\n")])]),
            response: "hello", finishReason: "stop"
        )
        record.dimensions = 384
        record.attempts = [
            .init(backend: "remote", outcome: "failed", status: 502, error: "boom", latencyMs: 4),
            .init(backend: "local", outcome: "ok", latencyMs: 8.5),
        ]
        record.scores = .init(fit: 0.9, similarity: 0.7, complexity: 0.2, decidedBy: "none", micros: 55)
        record.shadow = .init(
            backend: "remote", status: 200, response: "hi", error: "late", latencyMs: 900, agreement: 0.5, costUSD: 0.002,
            judge: .init(backend: "judge", promptVersion: "v1", outcome: "tie", verdicts: ["A", "B"], error: nil, latencyMs: 30, costUSD: 0.0001)
        )
        var privacy = RoutingLogRecord.Privacy(policy: "mask", types: ["card", "email"], findings: 2)
        privacy.guardAction = "masked"
        privacy.skipped = ["remote"]
        privacy.shadowSkipped = true
        privacy.redacted = ["card"]
        record.privacy = privacy
        return record
    }

    @Test("the fast writer writes exactly what the record's Codable definition encodes, and reads back")
    func writerMatchesCodingKeys() throws {
        let record = Self.fullRecord()
        let line = record.jsonLine()
        #expect(String(decoding: line, as: UTF8.self) == String(decoding: try JSONCoding.encode(record) + [0x0A], as: UTF8.self))
        #expect(try JSONCoding.decode(RoutingLogRecord.self, from: line.dropLast()) == record)
        // A record with only the required members leaves every optional one out.
        let minimal = RoutingLogRecord(id: "tr-min", timestamp: "t", endpoint: "/", reason: "r", status: 400, latencyMs: 0.5)
        #expect(minimal.jsonLine() == (try JSONCoding.encode(minimal)) + [0x0A])
    }
}
