import Foundation
import Testing
import TriageUpstream

/// Checks the fake upstream fixture itself (the proxy's integration tests rely on it).
@Suite struct FakeUpstreamFixtureTests {
    /// Splits an SSE body into the JSON payloads of its `data:` events (excluding [DONE]).
    private func events(_ body: [UInt8]) throws -> (payloads: [[String: Any]], done: Bool) {
        let text = String(decoding: body, as: UTF8.self)
        var payloads: [[String: Any]] = []
        var done = false
        for block in text.components(separatedBy: "\n\n") where block.hasPrefix("data: ") {
            let data = block.dropFirst(6)
            if data == "[DONE]" {
                done = true
            } else if let object = try json(Array(data.utf8)) as? [String: Any] {
                payloads.append(object)
            }
        }
        return (payloads, done)
    }

    @Test func chatCompletionShapesAndDirectives() async throws {
        try await withFakeUpstream(name: "alpha") { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }

            // List content, usage word counts, directives stripped.
            let listBody: [String: Any] = [
                "model": "m1",
                "messages": [
                    ["role": "system", "content": "be brief"],
                    ["role": "user", "content": [["type": "text", "text": "hi there [[delay:0.01]]"]]],
                ],
            ]
            let request = UpstreamRequest(
                url: upstream.url("/chat/completions"),
                body: Array(try JSONSerialization.data(withJSONObject: listBody)))
            let plain = try json(try await client.execute(request).body.collect(upTo: 1 << 20)) as? [String: Any]
            #expect(plain?["object"] as? String == "chat.completion")
            #expect(plain?["model"] as? String == "m1")
            let usage = plain?["usage"] as? [String: Int]
            #expect(usage?["prompt_tokens"] == 4)
            #expect(usage?["completion_tokens"] == 4)  // "alpha says: hi there"
            #expect(usage?["total_tokens"] == 8)

            let noUsage = try await client.execute(chatRequest(upstream, "x [[no-usage]]"))
            #expect((try json(try await noUsage.body.collect(upTo: 1 << 20)) as? [String: Any])?["usage"] == nil)

            let big = try await client.execute(chatRequest(upstream, "[[big:1000]]"))
            #expect(try replyText(try await big.body.collect(upTo: 1 << 20))?.utf8.count == 1000)

            // Streaming: N chunks, role on the first, stop chunk, usage chunk, [DONE].
            let streamBody: [String: Any] = [
                "model": "m2", "stream": true, "stream_options": ["include_usage": true],
                "messages": [["role": "user", "content": "one two three four five [[chunks:3]]"]],
            ]
            let streamed = try await client.execute(UpstreamRequest(
                url: upstream.url(), body: Array(try JSONSerialization.data(withJSONObject: streamBody))))
            #expect(streamed.header("transfer-encoding") == "chunked")
            let (payloads, done) = try events(try await streamed.body.collect(upTo: 1 << 20))
            #expect(done)
            #expect(payloads.count == 5)  // 3 content + stop + usage
            let deltas = payloads.compactMap { ($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any] }
            #expect(deltas.first?["role"] as? String == "assistant")
            #expect(deltas.compactMap { $0["content"] as? String }.joined() == "alpha says: one two three four five")
            let finish = payloads.compactMap { ($0["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String }
            #expect(finish == ["stop"])
            #expect((payloads.last?["usage"] as? [String: Int])?["completion_tokens"] == 7)

            // Models list, 404 JSON, request log with lowercased header names.
            let models = try json(try await get(client, upstream.url("/v1/models"))) as? [String: Any]
            #expect(models?["object"] as? String == "list")
            let missing = try await client.execute(UpstreamRequest(url: upstream.url("/nope"), method: "GET"))
            #expect(missing.status == 404)
            let log = try await chatRequestLog(client, upstream)
            #expect(log.count == 3)  // the first request used /chat/completions
            #expect((log.first?["headers"] as? [String: String])?["content-type"] == "application/json")
        }
    }
}
