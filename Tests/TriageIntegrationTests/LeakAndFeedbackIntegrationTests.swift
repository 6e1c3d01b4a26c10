import Foundation
import Synchronization
import Testing
import TriageUpstream
import TriageTestSupport

@Suite("Backend keys never leak; feedback is indexed and rate-limited (real processes on 127.0.0.1)", .serialized)
struct LeakAndFeedbackIntegrationTests {
    /// A key without the `sk-` shape, so only the configured-value redaction can catch it.
    static let opaqueKey = "opaque-Key-91f3e2d7c6"

    @Test("an upstream error quoting the Authorization header reaches no client, log line or stderr with the key", arguments: [opaqueKey, testSecret])
    func upstreamEchoesTheKey(key: String) async throws {
        try await Environment.with(environment: ["TRIAGE_TEST_REMOTE_KEY": key]) { env in
            let remote: [(name: String, value: String)] = [("x-triage-backend", "remote")]
            for prompt in ["[[echo-auth:401]]", "[[echo-auth:500]]", "[[echo-auth-text:401]]", "[[echo-auth-text:503]]"] {
                for stream in [false, true] {
                    let result = try await env.proxy.post(json: chatJSON(prompt, stream: stream), headers: remote)
                    #expect(result.status >= 400, "\(prompt)")
                    #expect(!result.body.contains(key), "\(prompt) stream=\(stream): \(result.body)")
                    #expect(result.body.contains("[redacted]"), "\(prompt) stream=\(stream): \(result.body)")
                }
            }
            let anthropic = try await env.proxy.post(
                "/v1/messages", json: #"{"model":"triage","max_tokens":5,"messages":[{"role":"user","content":"[[echo-auth:401]]"}]}"#,
                headers: remote
            )
            #expect(!anthropic.body.contains(key))
            // The fake did see the key (so the test would catch a leak).
            let seen = try await env.remote.receivedRequests(client: env.client)
            #expect(seen.contains { (($0["headers"] as? [String: Any])?["authorization"] as? String)?.contains(key) == true })
            _ = await env.triage.stop()
            let raw = try String(contentsOfFile: env.triage.logPath, encoding: .utf8)
            #expect(!raw.contains(key))
            #expect(raw.contains("[redacted]"))
            #expect(!env.triage.child.stderr.text.contains(key))
        }
    }

    /// Writes a routing log of about `megabytes` MB whose first line has id `known`.
    private static func writeLargeLog(path: String, megabytes: Int, known: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) ?? {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }() else { throw HarnessError.startFailed("cannot write \(path)") }
        defer { try? handle.close() }
        let prompt = String(repeating: "lorem ipsum dolor sit amet ", count: 30)
        func line(_ id: String) -> String {
            #"{"backend":"local","endpoint":"/v1/chat/completions","id":"\#(id)","latency_ms":3.2,"messages":[{"role":"user","content":"\#(prompt)"}],"reason":"r","response":"ok","status":200,"ts":"2026-11-29T10:00:00.000Z"}"# + "\n"
        }
        handle.write(Data(line(known).utf8))
        var block = ""
        var counter = 0
        for _ in 0..<(megabytes) {
            block.removeAll(keepingCapacity: true)
            while block.utf8.count < 1 << 20 {
                counter += 1
                let hex = String(counter, radix: 16)
                block += line("tr-" + hex + String(repeating: "0", count: 24 - hex.count))
            }
            handle.write(Data(block.utf8))
        }
    }

    @Test("feedback on a large log: unknown ids answer fast, /healthz is not stalled, known ids (also from before the start) are found")
    func feedbackOnLargeLog() async throws {
        let megabytes = Int(ProcessInfo.processInfo.environment["TRIAGE_TEST_FEEDBACK_LOG_MB"] ?? "") ?? 100
        let known = "tr-0123456789abcdef01234567"
        let yaml = testRoutes(local: "http://127.0.0.1:\(freeLocalPort())/v1", remote: "http://127.0.0.1:\(freeLocalPort())/v1")
            .replacingOccurrences(of: "limits: {max_body_bytes: 65536}", with: "limits: {max_body_bytes: 65536, feedback_per_minute: 1000}")
        let triage = try await TriageInstance.start(yaml: yaml) { path in
            try Self.writeLargeLog(path: path, megabytes: megabytes, known: known)
        }
        let client = UpstreamClient()
        defer {
            client.shutdown()
            try? FileManager.default.removeItem(at: triage.directory)
        }
        let proxy = ProxyClient(client: client, base: triage.url)
        func feedback(_ id: String) async throws -> (status: Int, body: String) {
            let result = try await proxy.post("/v1/feedback", json: #"{"request_id":"\#(id)","score":-1}"#)
            return (result.status, result.body)
        }
        // The log is indexed in the background: the known id is found once that is done (503 before).
        let deadline = ContinuousClock.now + .seconds(30)
        var first = try await feedback(known)
        while first.status == 503 && ContinuousClock.now < deadline {
            first = try await feedback(known)
        }
        #expect(first.status == 200, "\(first.body)")
        // Eight unknown ids at once, and /healthz beside them.
        let slowest = Locked<Duration>(.zero)
        let unknownStatuses = Locked<[Int]>([])
        var healthLatency = Duration.zero
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    let started = ContinuousClock.now
                    let result = try await feedback("tr-ffffffffffffffff0000000\(index)")
                    let took = ContinuousClock.now - started
                    slowest.withLock { $0 = max($0, took) }
                    unknownStatuses.withLock { $0.append(result.status) }
                }
            }
            let started = ContinuousClock.now
            #expect(try await proxy.get("/healthz").status == 200)
            healthLatency = ContinuousClock.now - started
            try await group.waitForAll()
        }
        #expect(unknownStatuses.withLock { $0 } == Array(repeating: 404, count: 8))
        #expect(slowest.withLock { $0 } < .milliseconds(500), "slowest unknown-id feedback: \(slowest.withLock { $0 })")
        #expect(healthLatency < .milliseconds(500), "/healthz took \(healthLatency)")
        let stderr = triage.child.stderr.text
        let line = stderr.split(separator: "\n").first { $0.contains("routing log indexed for feedback") }.map(String.init) ?? "(no index line)"
        print("feedback index on a \(megabytes) MB log: \(line); slowest unknown id \(slowest.withLock { $0 }), /healthz \(healthLatency)")
        #expect(line.contains("bytes="))
        _ = await triage.stop()
    }

    @Test("feedback is rate-limited per client: 429 in OpenAI's shape with retry-after")
    func feedbackRateLimit() async throws {
        let yaml = testRoutes(local: "http://127.0.0.1:\(freeLocalPort())/v1", remote: "http://127.0.0.1:\(freeLocalPort())/v1")
            .replacingOccurrences(of: "limits: {max_body_bytes: 65536}", with: "limits: {max_body_bytes: 65536, feedback_per_minute: 3}")
        let triage = try await TriageInstance.start(yaml: yaml)
        let client = UpstreamClient()
        defer {
            client.shutdown()
            try? FileManager.default.removeItem(at: triage.directory)
        }
        let proxy = ProxyClient(client: client, base: triage.url)
        var statuses: [Int] = []
        var limited: (status: Int, headers: UpstreamResponse, body: String)?
        for index in 0..<5 {
            let result = try await proxy.post("/v1/feedback", json: #"{"request_id":"tr-00000000000000000000000\#(index)","score":1}"#)
            statuses.append(result.status)
            if result.status == 429 { limited = result }
        }
        #expect(statuses == [404, 404, 404, 429, 429])
        let refusal = try #require(limited)
        let error = try #require(jsonObject(refusal.body)?["error"] as? [String: Any])
        #expect(error["code"] as? String == "rate_limit_exceeded")
        #expect(error["type"] as? String == "rate_limit_error")
        #expect((error["message"] as? String)?.contains("feedback_per_minute") == true)
        let retryAfter = Int(refusal.headers.header("retry-after") ?? "")
        #expect(retryAfter.map { (1...20).contains($0) } == true, "retry-after \(String(describing: retryAfter))")
        // Other endpoints are not limited by it.
        #expect(try await proxy.get("/healthz").status == 200)
        #expect(try await proxy.get("/v1/models").status == 200)
        _ = await triage.stop()
    }
}
