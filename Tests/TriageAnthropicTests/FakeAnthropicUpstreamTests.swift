import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TriageAnthropic
import TriageJSON

/// The translators against `Tests/Fixtures/fake_anthropic_upstream.py`, which validates
/// requests like the Anthropic API (roles alternate, `max_tokens` present, auth headers).
@Suite("Against the fake Anthropic upstream")
struct FakeAnthropicUpstreamTests {
    /// A running fake upstream; stops when its stdin closes.
    final class Upstream: Sendable {
        let process: Process
        let stdin: Pipe
        let port: Int

        init() throws {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/fake_anthropic_upstream.py")
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script.path, "--name", "remote", "--port", "0"]
            stdin = Pipe()
            let stdout = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            try process.run()
            var line: [UInt8] = []
            while let byte = try stdout.fileHandleForReading.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") {
                line.append(byte)
            }
            let text = String(decoding: line, as: UTF8.self)
            guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
                throw CocoaError(.fileReadCorruptFile)
            }
            self.port = port
        }

        /// Closes stdin (the fake exits on EOF) without waiting: a blocking wait here would hold a
        /// thread of the small concurrency pool that the other tests running in parallel need.
        func stop() {
            try? stdin.fileHandleForWriting.close()
        }

        func post(_ body: [String: JSONValue], headers: [String: String] = ["x-api-key": "test-key", "anthropic-version": "2023-06-01"]) async throws -> (Int, Data) {
            guard let url = URL(string: "http://127.0.0.1:\(port)/v1/messages") else { throw URLError(.badURL) }
            var request = URLRequest(url: url)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "content-type")
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            request.httpBody = try JSONEncoder().encode(JSONValue.object(body))
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        }
    }

    @Test func openAIClientRequestReachesTheAnthropicBackend() async throws {
        let upstream = try Upstream()
        defer { upstream.stop() }
        let openAI = try object("""
        {"model": "triage", "messages": [
          {"role": "system", "content": "Be brief."},
          {"role": "user", "content": "first"},
          {"role": "user", "content": [{"type": "text", "text": "hello world"}]}]}
        """)
        let (status, data) = try await upstream.post(try AnthropicTranslator.anthropicRequest(fromOpenAI: openAI, model: "claude-test"))
        #expect(status == 200)
        let answer = try AnthropicTranslator.openAIResponse(fromAnthropic: try JSONDecoder().decode(JSONValue.self, from: data), model: "triage")
        #expect(answer["choices"]?[index: 0]?["message", "content"] == .string("remote says: first hello world"))
        #expect(answer["choices"]?[index: 0]?["finish_reason"] == .string("stop"))
        #expect(answer["usage"] == (try json(#"{"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10}"#)))
    }

    @Test func streamedAnswerTranslatesInRandomPieces() async throws {
        let upstream = try Upstream()
        defer { upstream.stop() }
        let openAI = try object(#"{"model": "triage", "stream": true, "messages": [{"role": "user", "content": "café ☕ time [[stop:max_tokens]]"}]}"#)
        let (status, data) = try await upstream.post(try AnthropicTranslator.anthropicRequest(fromOpenAI: openAI, model: "claude-test"))
        #expect(status == 200)
        var stream = AnthropicToOpenAIStream(model: "triage", id: "chatcmpl-x")
        var out: [UInt8] = []
        var rest = Array(data)[...]
        var generator = SystemRandomNumberGenerator()
        while !rest.isEmpty {
            let size = Int.random(in: 1...7, using: &generator)
            out += stream.feed(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        out += stream.finish()
        let deltas = parseEvents(out).compactMap { $0.json?["choices"]?[index: 0]?["delta", "content"]?.stringValue }
        #expect(deltas.joined() == "remote says: café ☕ time")
        #expect(stream.text == "remote says: café ☕ time")
        #expect(stream.finishReason == "length")
        #expect(stream.inputTokens == 3)
        #expect(stream.outputTokens == 5)
        #expect(parseEvents(out).last?.data == "[DONE]")
    }

    @Test func upstreamErrorsAreInAnthropicShape() async throws {
        let upstream = try Upstream()
        defer { upstream.stop() }
        let request = try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(#"{"messages": [{"role": "user", "content": "x"}]}"#), model: "c")
        let (status, data) = try await upstream.post(request, headers: ["anthropic-version": "2023-06-01"])
        #expect(status == 401)
        let body = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(AnthropicTranslator.openAIErrorMessage(fromAnthropic: body) == "x-api-key header is required")
        #expect(body == AnthropicTranslator.anthropicError(status: 401, message: "x-api-key header is required"))
        let failing = try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(#"{"messages": [{"role": "user", "content": "x [[fail:529]]"}]}"#), model: "c")
        let (failStatus, failData) = try await upstream.post(failing)
        #expect(failStatus == 529)
        #expect(AnthropicTranslator.openAIError(fromAnthropic: try JSONDecoder().decode(JSONValue.self, from: failData))?["error", "type"] == .string("overloaded_error"))
    }
}
