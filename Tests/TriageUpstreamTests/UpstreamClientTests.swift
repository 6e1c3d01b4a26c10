import Foundation
import Testing

@testable import TriageUpstream

/// Successful request paths: plain responses, streaming, connection reuse, concurrency.
@Suite struct UpstreamClientTests {
    @Test func nonStreamingPostReturnsStatusHeadersAndBody() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let response = try await client.execute(chatRequest(upstream, "hello world"))
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            #expect(response.header("CONTENT-LENGTH") != nil)
            #expect(response.headers.contains { $0.name == "Content-Type" })  // names as received
            let body = try await response.body.collect(upTo: 1 << 20)
            #expect(try replyText(body) == "local says: hello world")
            let object = try json(body) as? [String: Any]
            #expect(object?["model"] as? String == "test-model")
        }
    }

    @Test func streamingDeliversFirstChunkBeforeUpstreamFinishes() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let request = chatRequest(upstream, "one two three four [[gate:g1]]", stream: true)
            let releaseURL = upstream.url("/release/g1")
            // A buffering client would wait for the end of the body, which never comes before
            // /release is called: the timeout turns that deadlock into a failure.
            let (before, after) = try await withTimeout(10) {
                let response = try await client.execute(request)
                #expect(response.status == 200)
                #expect(response.header("content-type") == "text/event-stream")
                var iterator = response.body.makeAsyncIterator()
                let first = try await iterator.next() ?? []
                _ = try await get(client, releaseURL)
                var rest: [UInt8] = []
                while let chunk = try await iterator.next() {
                    rest += chunk
                }
                return (String(decoding: first, as: UTF8.self), String(decoding: rest, as: UTF8.self))
            }
            #expect(before.hasPrefix("data: {"))
            #expect(!before.contains("[DONE]"))
            #expect(after.contains("\"finish_reason\": \"stop\""))
            #expect(after.hasSuffix("data: [DONE]\n\n"))
        }
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            for index in 0..<5 {
                let response = try await client.execute(chatRequest(upstream, "request \(index)"))
                _ = try await response.body.collect(upTo: 1 << 20)
            }
            let ports = try await chatRequestLog(client, upstream).compactMap { $0["client_port"] as? Int }
            #expect(ports.count == 5)
            #expect(Set(ports).count == 1, "expected one reused connection, got source ports \(ports)")
        }
    }

    @Test func concurrentRequestsAllSucceed() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient(maxConnectionsPerHost: 4)
            defer { client.shutdown() }
            let requests = (0..<20).map { chatRequest(upstream, "number \($0)") }
            let replies = try await withTimeout(10) {
                try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                    for (index, request) in requests.enumerated() {
                        group.addTask {
                            let response = try await client.execute(request)
                            return (index, try replyText(try await response.body.collect(upTo: 1 << 20)))
                        }
                    }
                    var replies: [Int: String] = [:]
                    for try await (index, reply) in group {
                        replies[index] = reply
                    }
                    return replies
                }
            }
            #expect(replies.count == 20)
            for index in 0..<20 {
                #expect(replies[index] == "local says: number \(index)")
            }
            let ports = Set(try await chatRequestLog(client, upstream).compactMap { $0["client_port"] as? Int })
            #expect(ports.count <= 4, "maxConnectionsPerHost 4 but saw \(ports.count) connections")
        }
    }

    @Test func methodsHeadersAndBodyArePassedThrough() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let request = UpstreamRequest(
                url: upstream.url("/echo"), method: "PUT",
                headers: [(name: "X-Custom", value: "abc"), (name: "Authorization", value: "Bearer k")],
                body: Array("payload".utf8))
            let response = try await client.execute(request)
            let echo = try json(try await response.body.collect(upTo: 1 << 20)) as? [String: Any]
            let headers = echo?["headers"] as? [String: String]
            #expect(echo?["method"] as? String == "PUT")
            #expect(echo?["body"] as? String == "payload")
            #expect(headers?["x-custom"] == "abc")
            #expect(headers?["authorization"] == "Bearer k")
            #expect(headers?["expect"] == nil)
            #expect(headers?["accept-encoding"] == nil)

            let empty = try await client.execute(UpstreamRequest(url: upstream.url("/status/204"), method: "GET"))
            #expect(empty.status == 204)
            #expect(try await empty.body.collect(upTo: 10).isEmpty)
        }
    }

    /// Easy handles are reset and reused: nothing of one request (method, body, headers,
    /// timeouts) may leak into the next on the same handle.
    @Test func reusedHandlesCarryNothingOver() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            for round in 0..<3 {
                let put = try await client.execute(UpstreamRequest(
                    url: upstream.url("/echo"), method: "PUT",
                    headers: [(name: "X-Only-Once", value: "r\(round)")], body: Array("payload-\(round)".utf8),
                    timeouts: UpstreamTimeouts(connect: 5, total: 30, idle: 30)))
                let putEcho = try json(try await put.body.collect(upTo: 1 << 20)) as? [String: Any]
                #expect(putEcho?["method"] as? String == "PUT")
                #expect(putEcho?["body"] as? String == "payload-\(round)")
                #expect((putEcho?["headers"] as? [String: String])?["x-only-once"] == "r\(round)")

                let get = try await client.execute(UpstreamRequest(url: upstream.url("/echo"), method: "GET"))
                let getEcho = try json(try await get.body.collect(upTo: 1 << 20)) as? [String: Any]
                #expect(getEcho?["method"] as? String == "GET")
                let getBody = (getEcho?["body"] as? String) ?? ""
                #expect(getBody.isEmpty)
                #expect((getEcho?["headers"] as? [String: String])?["x-only-once"] == nil)
                #expect((getEcho?["headers"] as? [String: String])?["content-length"] == nil)
            }
            // A refused connection on a reused handle still fails as a refused connection.
            await #expect(throws: UpstreamError.self) {
                _ = try await client.execute(UpstreamRequest(url: "http://127.0.0.1:1/x", method: "GET"))
            }
            let after = try await client.execute(UpstreamRequest(url: upstream.url("/echo"), method: "GET"))
            #expect(after.status == 200)
        }
    }

    @Test func upstreamHTTPErrorIsAResponseNotAThrow() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let response = try await client.execute(chatRequest(upstream, "boom [[fail:500]]"))
            #expect(response.status == 500)
            let error = try json(try await response.body.collect(upTo: 1 << 20)) as? [String: Any]
            #expect((error?["error"] as? [String: Any])?["message"] as? String == "fake failure")
        }
    }

    @Test func slowConsumerPausesTransferAndStillGetsEveryByte() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let size = 6_000_000
            let response = try await client.execute(chatRequest(upstream, "[[big:\(size)]]"))
            try await Task.sleep(for: .milliseconds(300))  // consumer falls behind
            let buffered = response.body.bufferedBytes
            #expect(buffered > 0)
            #expect(buffered <= TransferControl.pauseThreshold)
            let body = try await response.body.collect(upTo: 16 << 20)
            #expect(try replyText(body)?.utf8.count == size)
        }
    }
}
