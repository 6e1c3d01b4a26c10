import Foundation
import Testing
import TriageLog
@testable import TriageServer

@Suite("Records held back for a shadow copy, drained at shutdown")
struct HeldBackDrainTests {
    @Test("a drained record is written once, marked unfinished, with log.redact applied like every other record")
    func drainedRecordIsRedacted() async throws {
        let email = "alice@example.com"
        let transport = MemoryTransport([
            "local": { _, _ in MemoryTransport.answer("I will write to \(email)") },
            "remote": { _, _ in
                try await Task.sleep(for: .seconds(3))  // the shadow copy outlives the "server"
                return MemoryTransport.answer("late")
            },
        ])
        let harness = try LifecycleHarness(
            lifecycleRoutes(extra: "shadow: {rate: 1, backend: remote}\nlog: {redact: [email]}"), transport: transport)
        let reply = await harness.run("please mail \(email)")
        #expect(reply.status == 200)
        for _ in 0..<500 where !harness.lifecycle.recorder.heldBack.contains(reply.tags.id) {
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(harness.lifecycle.recorder.heldBack.contains(reply.tags.id), "held back while its shadow copy runs")
        #expect(harness.log.records.isEmpty)

        harness.lifecycle.recorder.drainHeldBack(active: harness.lifecycle.routes.snapshot)
        let records = harness.log.records
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.id == reply.tags.id)
        #expect(record.shadow?.backend == "unfinished")
        let line = String(decoding: record.jsonLine(), as: UTF8.self)
        #expect(!line.contains(email), "log.redact: [email] applies to a drained record too: \(line)")
        #expect(record.privacy?.redacted == ["email"])
        harness.lifecycle.recorder.drainHeldBack(active: harness.lifecycle.routes.snapshot)
        #expect(harness.log.records.count == 1, "drained once")
    }
}
