import Foundation
import Testing

// In the real-model suite, which is serialized: one model server at a time on the test machine.
extension RealModelIntegrationTests {
    @Test("SmolLM2 through the Anthropic SDK (streamed) and the Responses API: answers, and usage never 0/0")
    func anthropicAndResponsesClients() async throws {
        try await withRealModel { _, env in
            let script = Repo.fixtures.appendingPathComponent("real_model_api_check.py").path
            let run = try await ProgramRun.run("/usr/bin/env", ["python3", script, env.triage.url])
            #expect(run.status == 0, "stderr:\n\(run.stderr)")
            let result = try #require(jsonObject(run.stdout), "stdout:\n\(run.stdout)\nstderr:\n\(run.stderr)")
            for key in ["anthropic_stream", "responses", "responses_stream"] {
                let seen = try #require(result[key] as? [String: Any], "\(key) missing: \(run.stdout)")
                #expect(!(seen["text"] as? String ?? "").isEmpty, "\(key): \(seen)")
                #expect((seen["input_tokens"] as? Int ?? 0) > 0, "\(key): \(seen)")
                #expect((seen["output_tokens"] as? Int ?? 0) > 0, "\(key): \(seen)")
            }
            let records = try await env.triage.logRecords(atLeast: 3)
            #expect(records.filter { $0["endpoint"] as? String == "/v1/responses" && $0["status"] as? Int == 200 }.count == 2)
            #expect(records.contains { $0["endpoint"] as? String == "/v1/messages" && $0["stream"] as? Bool == true })
        }
    }
}
