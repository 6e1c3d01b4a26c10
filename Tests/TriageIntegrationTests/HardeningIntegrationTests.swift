import Foundation
import Testing
import TriageUpstream
import TriageTestSupport

/// A routes.yaml with only unreachable backends, for tests of the HTTP layer itself.
private func bareRoutes(extra: String = "") -> String {
    """
    listen: {host: 127.0.0.1, port: 0}
    models: [triage]
    limits: {max_body_bytes: 65536}
    log: {path: "{LOG}"}
    backends:
      - name: local
        base_url: http://127.0.0.1:\(freeLocalPort())/v1
        model: m
        timeouts: {connect: 1, total: 2, idle: 2}
    rules:
      - name: default
        match: {always: true}
        route: local
    auto: {default_backend: local}
    \(extra)
    """
}

/// Starts triage on `yaml`, runs `body`, stops it and removes its directory.
private func withTriage(
    yaml: String, environment: [String: String] = [:], prepareLog: (String) throws -> Void = { _ in },
    _ body: (TriageInstance, ProxyClient) async throws -> Void
) async throws {
    let triage = try await TriageInstance.start(yaml: yaml, environment: environment, prepareLog: prepareLog)
    let client = UpstreamClient()
    defer {
        client.shutdown()
        try? FileManager.default.removeItem(at: triage.directory)
    }
    do {
        try await body(triage, ProxyClient(client: client, base: triage.url))
    } catch {
        _ = await triage.stop()
        throw error
    }
    _ = await triage.stop()
}

@Suite("Hardening: framing, Expect, listen errors, key leaks, feedback (real processes on 127.0.0.1)", .serialized)
struct HardeningIntegrationTests {
    @Test("bad chunked framing is a 400 (501 for an unknown transfer-coding) in the client's error shape, and the proxy stays up")
    func badChunkedFraming() async throws {
        try await withTriage(yaml: bareRoutes()) { triage, proxy in
            let head = "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
            let cases: [(name: String, path: String, request: String, status: Int, code: String)] = [
                ("non-hex size", "/v1/chat/completions", "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400, "invalid_body_framing"),
                ("negative size", "/v1/chat/completions", "Transfer-Encoding: chunked\r\n\r\n-1\r\nabc\r\n0\r\n\r\n", 400, "invalid_body_framing"),
                ("overflowing size", "/v1/chat/completions", "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffffff\r\nabc\r\n0\r\n\r\n", 400, "invalid_body_framing"),
                ("size mismatch", "/v1/chat/completions", "Transfer-Encoding: chunked\r\n\r\n3\r\nabcdefgh\r\n0\r\n\r\n", 400, "invalid_body_framing"),
                ("gzip", "/v1/chat/completions", "Transfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 501, "unsupported_transfer_encoding"),
                ("feedback, non-hex size", "/v1/feedback", "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400, "invalid_body_framing"),
            ]
            for item in cases {
                let connection = try RawConnection(port: triage.port)
                await connection.send("POST \(item.path) HTTP/1.1\r\n" + head + item.request)
                let response = await connection.readResponse()
                #expect(response.status == item.status, "\(item.name): \(response.text.prefix(300))")
                #expect(response.openAIError?["code"] as? String == item.code, "\(item.name): \(response.body.prefix(300))")
                #expect(response.header("connection")?.lowercased() == "close", "\(item.name)")
            }
            // An Anthropic client gets Anthropic's error shape.
            let connection = try RawConnection(port: triage.port)
            await connection.send("POST /v1/messages HTTP/1.1\r\n" + head + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
            let anthropic = await connection.readResponse()
            #expect(anthropic.status == 400)
            let body = try #require(jsonObject(anthropic.body))
            #expect(body["type"] as? String == "error")
            #expect((body["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
            #expect(try await proxy.get("/healthz").status == 200)
        }
    }

    @Test("Expect: 100-continue gets 100 Continue at once; an oversize declared body gets 413 without being read; other expectations 417")
    func expectContinue() async throws {
        try await withTriage(yaml: bareRoutes()) { triage, proxy in
            let body = #"{"model":"triage","messages":"not a list"}"#
            let connection = try RawConnection(port: triage.port)
            let started = ContinuousClock.now
            await connection.send(
                "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\nExpect: 100-continue\r\n\r\n"
            )
            let interim = await connection.read(timeout: .seconds(3)) { $0.contains("\r\n\r\n") }
            let waited = ContinuousClock.now - started
            #expect(interim.hasPrefix("HTTP/1.1 100 Continue\r\n\r\n"), "got: \(interim.prefix(200))")
            // Without it, clients wait their own timeout (curl: 1 s) and the read above its 3 s; a
            // loaded full run has taken 926 ms to answer, so the bound sits between the two.
            #expect(waited < .milliseconds(2500), "100 Continue took \(waited)")
            // The body follows; the request is then answered as usual (a 400 for the bad messages).
            await connection.send(body)
            let final = await connection.readResponse()
            #expect(final.status == 400, "\(final.text.prefix(300))")
            #expect(final.openAIError?["param"] as? String == "messages")

            // Declared over max_body_bytes: 413 straight away (the body is never sent), then the connection closes.
            let big = try RawConnection(port: triage.port)
            let bigStarted = ContinuousClock.now
            await big.send(
                "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 50000000\r\nExpect: 100-continue\r\n\r\n"
            )
            let refused = await big.readResponse(timeout: .seconds(3))
            #expect(ContinuousClock.now - bigStarted < .milliseconds(900))
            #expect(refused.status == 413, "\(refused.text.prefix(300))")
            #expect(!refused.text.contains("100 Continue"))
            #expect(refused.openAIError?["code"] as? String == "request_too_large")
            #expect(refused.header("connection")?.lowercased() == "close")
            let after = await big.read(timeout: .seconds(3))
            #expect(after.isEmpty, "the connection closes after the 413")

            let odd = try RawConnection(port: triage.port)
            await odd.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nExpect: 200-ok\r\n\r\n")
            let failed = await odd.readResponse(timeout: .seconds(3))
            #expect(failed.status == 417, "\(failed.text.prefix(300))")
            #expect(failed.openAIError?["code"] as? String == "expectation_failed")
            #expect(try await proxy.get("/healthz").status == 200)
        }
    }

    @Test("a port already in use: a message naming the address and what to do, exit code 1")
    func portInUse() async throws {
        try await withTriage(yaml: bareRoutes()) { triage, _ in
            let second = try ChildProcess(
                executable: Repo.triageBinary,
                arguments: ["serve", "--config", triage.configPath, "--port", String(triage.port), "--host", "127.0.0.1",
                            "--log-path", triage.directory.appendingPathComponent("second.jsonl").path]
            )
            let deadline = ContinuousClock.now + .seconds(20)
            while second.process.isRunning && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            if second.process.isRunning { await second.stop(signal: SIGKILL) }
            await second.waitForExit()
            #expect(second.process.terminationStatus == 1)
            let stderr = second.stderr.text
            #expect(stderr.contains("triage: cannot listen on 127.0.0.1:\(triage.port): the address is already in use"), "\(stderr)")
            #expect(stderr.contains("--port or listen.port in routes.yaml"), "\(stderr)")
            #expect(!stderr.contains("bind(descriptor"), "\(stderr)")
            #expect(!second.stdout.text.contains("triage listening on"))
        }
    }
}
