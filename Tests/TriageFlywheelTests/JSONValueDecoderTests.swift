import Foundation
import Testing
import TriageJSON
import TriageLog
@testable import TriageFlywheel

@Suite struct JSONValueDecoderTests {
    @Test func decodesRecordsLikeJSONDecoder() throws {
        var record = Fixture.record(id: "full", backend: "remote", status: 200, latencyMs: 12.5, ttftMs: 3.25, stream: true, usage: (10, 20), cost: 0.000123)
        record.messages = .array([
            .object(["role": .string("user"), "content": .array([
                .object(["type": .string("text"), "text": .string("hi \"there\"\n\u{e9}\u{1F600}")]),
                .object(["type": .string("image_url"), "image_url": .object(["url": .string("http://x/y.png"), "detail": .null])]),
            ])]),
            .object(["role": .string("assistant"), "content": .null, "tool_calls": .array([.object(["id": .string("c1"), "index": .number(0), "flag": .bool(true)])])]),
        ])
        record.finishReason = "stop"
        record.attempts = [
            .init(backend: "local", outcome: "failed", status: 502, error: "boom", latencyMs: 5),
            .init(backend: "remote", outcome: "ok", status: 200, latencyMs: 7.5),
        ]
        let line = record.jsonLine()
        let viaFoundation = try JSONDecoder().decode(RoutingLogRecord.self, from: Data(line))
        let viaParser = try JSONCoding.decode(RoutingLogRecord.self, from: line.dropLast())
        #expect(viaParser == viaFoundation)
        #expect(viaParser == record)
    }

    @Test func rejectsWrongTypesAndMissingFields() {
        #expect(throws: (any Error).self) { try JSONCoding.decode(RoutingLogRecord.self, from: Array(#"{"id": 1}"#.utf8)[...]) }
        #expect(throws: (any Error).self) {
            try JSONCoding.decode(RoutingLogRecord.self, from: Array(#"{"id":"a","ts":"t","endpoint":"/","stream":false,"reason":"r","status":200.5,"latency_ms":1}"#.utf8)[...])
        }
        let minimal = try? JSONCoding.decode(RoutingLogRecord.self, from: Array(#"{"id":"a","ts":"t","endpoint":"/","stream":false,"reason":"r","status":200,"latency_ms":1,"backend":null,"usage":null}"#.utf8)[...])
        #expect(minimal?.backend == nil && minimal?.status == 200)
    }
}
