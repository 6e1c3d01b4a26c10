import Foundation
import Synchronization
import Testing
import TriageUpstream
import TriageTestSupport

/// routes.yaml for fault tests: `local` falls back to `remote`, with a fast breaker.
func faultRoutes(local: String, remote: String, extra: String = "", breakerFailures: Int = 3, cooldown: Double = 1) -> String {
    """
    listen: {host: 127.0.0.1, port: 0}
    models: [triage]
    limits: {max_body_bytes: 65536, max_messages: 50}
    log: {path: "{LOG}"}
    shutdown: {grace_seconds: 10}
    backends:
      - name: local
        base_url: \(local)
        model: small-ft
        fallback: remote
        timeouts: {connect: 1, total: 1, idle: 1}
        breaker: {failures: \(breakerFailures), cooldown: \(cooldown)}
      - name: remote
        base_url: \(remote)
        model: big-model
        api_key_env: TRIAGE_TEST_REMOTE_KEY
        timeouts: {connect: 2, total: 5, idle: 5}
    rules:
      - name: default
        match: {always: true}
        route: auto
    auto: {default_backend: local}
    \(extra)
    """
}

/// Ids of answers clients received whole, collected from concurrent tasks.
private final class AcknowledgedIDs: Sendable {
    private let ids = Mutex<[String]>([])
    func add(_ id: String) { ids.withLock { $0.append(id) } }
    var all: [String] { ids.withLock { $0 } }
}

func chatContent(_ body: String) -> String? {
    guard let object = jsonObject(body), let choices = object["choices"] as? [[String: Any]],
          let message = choices.first?["message"] as? [String: Any] else { return nil }
    return message["content"] as? String
}

@Suite("Faults, fallbacks, breaker, reload, shutdown, crash, fuzz, auth (real processes on 127.0.0.1)", .serialized)
struct FaultIntegrationTests {
    @Test("local refused, 500 or hanging -> the answer comes from the fallback, and the log lists every attempt")
    func fallbacks() async throws {
        // Refused: nothing listens on local's port.
        let port = freeLocalPort()
        try await Environment.with(localBaseURL: "http://127.0.0.1:\(port)/v1", yaml: { local, remote in
            faultRoutes(local: local, remote: remote, breakerFailures: 0)
        }) { env in
            let result = try await env.proxy.post(json: chatJSON("refused please"))
            #expect(result.status == 200)
            #expect(result.headers.header("x-triage-backend") == "remote")
            #expect(chatContent(result.body) == "remote says: refused please")
            let record = try #require(try await env.triage.logRecords(atLeast: 1).first)
            let attempts = try #require(record["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["backend"] as? String } == ["local", "remote"])
            #expect(attempts.map { $0["outcome"] as? String } == ["failed", "ok"])
            #expect((attempts.first?["error"] as? String)?.contains("127.0.0.1:\(port)") == true)
            #expect(record["backend"] as? String == "remote")
        }
        try await Environment.with(yaml: { local, remote in faultRoutes(local: local, remote: remote, breakerFailures: 0) }) { env in
            let failed = try await env.proxy.post(json: chatJSON("five hundred [[fail:500]]"))
            // The remote fake honours the directive too, so both attempts fail: a clean 502 listing both.
            #expect(failed.status == 502)
            let hung = try await env.proxy.post(json: chatJSON("hang on [[hang]]"))
            #expect(hung.status == 504 || hung.status == 502)
            let records = try await env.triage.logRecords(atLeast: 2)
            for record in records {
                let attempts = try #require(record["attempts"] as? [[String: Any]])
                #expect(attempts.count == 2)
                #expect(attempts.allSatisfy { $0["outcome"] as? String == "failed" })
            }
            #expect(try await env.local.receivedRequests(client: env.client).count == 2)
            #expect(try await env.remote.receivedRequests(client: env.client).count == 2)
        }
    }

    @Test("a 500 from local only is answered by remote; a stream cut mid-way is never spliced")
    func fallbackOnlyBeforeFirstByte() async throws {
        // The remote fake points at a path that answers; local at a path prefix that 404s into a 5xx? Use a status route.
        try await Environment.with(yaml: { local, remote in
            faultRoutes(local: local.replacingOccurrences(of: "/v1", with: "/status/503"), remote: remote, breakerFailures: 0)
        }) { env in
            let result = try await env.proxy.post(json: chatJSON("local is down"))
            #expect(result.status == 200, "body: \(result.body)")
            #expect(chatContent(result.body) == "remote says: local is down")

            let stream = try await env.proxy.post(json: chatJSON("cut [[close-mid-stream]] [[chunks:5]]", stream: true),
                                                  headers: [])
            // local answered 503 before streaming, so the stream comes from remote, which then cuts it: error event, no [DONE].
            #expect(stream.status == 200)
            #expect(stream.body.contains("\"model\": \"big-model\""), "the stream is remote's")
            #expect(!stream.body.contains("small-ft"), "nothing of local's is spliced in")
            #expect(stream.body.contains("data: {\"error\":"))
            #expect(!stream.body.contains("[DONE]"))
        }
    }

    @Test("the breaker opens after repeated failures, skips local, shows in status, and closes after a good probe")
    func breaker() async throws {
        let port = freeLocalPort()
        try await Environment.with(localBaseURL: "http://127.0.0.1:\(port)/v1", yaml: { local, remote in
            faultRoutes(local: local, remote: remote, breakerFailures: 2, cooldown: 1)
        }) { env in
            for index in 0..<4 {
                let result = try await env.proxy.post(json: chatJSON("request \(index)"))
                #expect(result.status == 200)
                #expect(result.headers.header("x-triage-backend") == "remote")
            }
            let records = try await env.triage.logRecords(atLeast: 4)
            let outcomes = records.map { ($0["attempts"] as? [[String: Any]])?.first?["outcome"] as? String }
            #expect(outcomes == ["failed", "failed", "skipped", "skipped"])
            let status = try #require(jsonObject(try await env.proxy.get("/v1/triage/status").body))
            let local = try #require((status["backends"] as? [[String: Any]])?.first { $0["name"] as? String == "local" })
            #expect(local["breaker"] as? String == "open")
            #expect(local["times_opened"] as? Int == 1)

            // After the cool-down a probe is let through; it fails (still refused), so the breaker opens again.
            try await Task.sleep(for: .milliseconds(1100))
            _ = try await env.proxy.post(json: chatJSON("probe"))
            let again = try #require(jsonObject(try await env.proxy.get("/v1/triage/status").body))
            let localAgain = try #require((again["backends"] as? [[String: Any]])?.first { $0["name"] as? String == "local" })
            #expect(localAgain["times_opened"] as? Int == 2)
        }
        // Recovery: a backend that fails while told to, then answers.
        try await Environment.with(yaml: { local, remote in faultRoutes(local: local, remote: remote, breakerFailures: 2, cooldown: 0.5) }) { env in
            for _ in 0..<2 {
                _ = try await env.proxy.post(json: chatJSON("[[fail:500]]"), headers: [])
            }
            var status = try #require(jsonObject(try await env.proxy.get("/v1/triage/status").body))
            var local = (status["backends"] as? [[String: Any]])?.first { $0["name"] as? String == "local" }
            #expect(local?["breaker"] as? String == "open")
            try await Task.sleep(for: .milliseconds(600))
            let probe = try await env.proxy.post(json: chatJSON("healthy again"))
            #expect(probe.status == 200)
            #expect(probe.headers.header("x-triage-backend") == "local")
            status = try #require(jsonObject(try await env.proxy.get("/v1/triage/status").body))
            local = (status["backends"] as? [[String: Any]])?.first { $0["name"] as? String == "local" }
            #expect(local?["breaker"] as? String == "closed")
        }
    }

    @Test("valid and invalid edits of routes.yaml under concurrent load: no request fails, the valid edit applies")
    func liveReload() async throws {
        try await Environment.with { env in
            let original = try String(contentsOfFile: env.triage.configPath, encoding: .utf8)
            let failures = Locked<[String]>([])
            let backends = Locked<[String]>([])
            let stop = Locked(false)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var count = 0
                        while !stop.withLock({ $0 }) && count < 400 {
                            count += 1
                            let result = try await env.proxy.post(json: chatJSON("load \(worker)-\(count)"))
                            if result.status != 200 { failures.withLock { $0.append("\(result.status) \(result.body)") } }
                            if let backend = result.headers.header("x-triage-backend") { backends.withLock { $0.append(backend) } }
                        }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(300))
                    // Valid edit: the catch-all now goes to remote.
                    try original.replacingOccurrences(of: "route: auto", with: "route: remote")
                        .write(toFile: env.triage.configPath, atomically: true, encoding: .utf8)
                    try await Task.sleep(for: .milliseconds(1000))
                    // Invalid edit: rejected, the previous config stays.
                    try original.replacingOccurrences(of: "route: auto", with: "route: remot")
                        .write(toFile: env.triage.configPath, atomically: true, encoding: .utf8)
                    try await Task.sleep(for: .milliseconds(600))
                    stop.withLock { $0 = true }
                }
                try await group.waitForAll()
            }
            #expect(failures.withLock { $0 }.isEmpty, "failed: \(failures.withLock { $0.prefix(3) })")
            let seen = backends.withLock { $0 }
            #expect(seen.first == "local")
            #expect(seen.last == "remote", "the valid edit took effect and the invalid one did not undo it")
            let status = try #require(jsonObject(try await env.proxy.get("/v1/triage/status").body))
            let config = try #require(status["config"] as? [String: Any])
            #expect(config["reloads"] as? Int == 1)
            #expect(config["rejected"] as? Int == 1)
            #expect((config["last_error"] as? String)?.contains("rules[4].route: unknown backend 'remot' (known: local, remote)") == true)
            #expect(env.triage.child.stderr.text.contains("\(env.triage.configPath):"))
        }
    }

    @Test("SIGHUP reloads the file")
    func sighup() async throws {
        try await Environment.with { env in
            #expect(try await env.proxy.post(json: chatJSON("before")).headers.header("x-triage-backend") == "local")
            let original = try String(contentsOfFile: env.triage.configPath, encoding: .utf8)
            try original.replacingOccurrences(of: "route: auto", with: "route: remote")
                .write(toFile: env.triage.configPath, atomically: true, encoding: .utf8)
            kill(env.triage.child.process.processIdentifier, SIGHUP)
            try await Task.sleep(for: .milliseconds(400))
            #expect(env.triage.child.process.isRunning)
            #expect(try await env.proxy.post(json: chatJSON("after")).headers.header("x-triage-backend") == "remote")
        }
    }

    @Test("SIGTERM during streams: every stream finishes, the log is complete, exit 0")
    func sigtermDuringStreams() async throws {
        try await Environment.with { env in
            // SIGTERM goes out once every stream is under way (its first event arrived), so that
            // what is tested is streams in flight, not requests racing the closing listener.
            let started = Locked(0)
            try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        let response = try await env.proxy.open(
                            json: chatJSON("stream \(index) a b c d [[chunks:5]] [[delay:0.3]]", stream: true))
                        var body = ""
                        for try await chunk in response.body {
                            if body.isEmpty { started.withLock { $0 += 1 } }
                            body += String(decoding: chunk, as: UTF8.self)
                        }
                        return body
                    }
                }
                group.addTask {
                    while started.withLock({ $0 }) < 10 { try await Task.sleep(for: .milliseconds(10)) }
                    kill(env.triage.child.process.processIdentifier, SIGTERM)
                    return "signal sent"
                }
                var streams = 0
                for try await body in group where body != "signal sent" {
                    streams += 1
                    #expect(body.contains("data: [DONE]"), "stream cut: \(body.suffix(200))")
                }
                #expect(streams == 10)
            }
            let status = await env.triage.stop()
            #expect(status == 0)
            let records = TriageInstance.readLog(env.triage.logPath)
            #expect(records.count == 10)
            #expect(records.allSatisfy { $0["error"] == nil && $0["status"] as? Int == 200 })
        }
    }

    @Test("kill -9 under load: every request answered with a complete 200 has its log line; every line is complete but possibly the last; appending goes on after a restart")
    func crashAndRestart() async throws {
        try await Environment.with { env in
            // Several rounds of load, kill -9 and restart on the same log: the loss this guards
            // against (an answer sent before its line was written) is a race, so one kill may miss it.
            let rounds = 6
            var instance = env.triage
            for round in 0..<rounds {
                if round > 0 { instance = try await env.triage.restart(environment: ["TRIAGE_TEST_REMOTE_KEY": testSecret]) }
                let proxy = ProxyClient(client: env.client, base: instance.url)
                let pid = instance.child.process.processIdentifier
                // Ids of answers the client received whole (JSON parsed, or a stream through [DONE]).
                let acknowledged = AcknowledgedIDs()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<32 {
                        group.addTask {
                            for index in 0..<1000 {
                                let stream = index % 4 == 3
                                do {
                                    let answer = try await proxy.post(
                                        json: chatJSON("load \(round) \(worker) \(index) " + String(repeating: "padding ", count: 50), stream: stream))
                                    let whole = stream ? answer.body.contains("data: [DONE]") : jsonObject(answer.body) != nil
                                    if answer.status == 200, whole, let id = answer.headers.header("x-triage-request-id") {
                                        acknowledged.add(id)
                                    }
                                } catch {
                                    return  // the proxy died
                                }
                            }
                        }
                    }
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(500 + 100 * round))
                        kill(pid, SIGKILL)
                    }
                    try await group.waitForAll()
                }
                _ = await instance.stop()
                let raw = try String(contentsOfFile: env.triage.logPath, encoding: .utf8)
                let lines = raw.split(separator: "\n", omittingEmptySubsequences: false)
                let complete = lines.dropLast().filter { !$0.isEmpty }
                var logged: Set<String> = []
                for line in complete {
                    let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                    if let id = object?["id"] as? String { logged.insert(id) }
                }
                let answered = acknowledged.all
                let missing = answered.filter { !logged.contains($0) }
                #expect(answered.count > 20, "round \(round): some load was answered before the kill")
                #expect(missing.isEmpty, "round \(round): \(missing.count) of \(answered.count) answered requests have no log line")
            }

            let restarted = try await env.triage.restart(environment: ["TRIAGE_TEST_REMOTE_KEY": testSecret])
            let proxy = ProxyClient(client: env.client, base: restarted.url)
            let after = try await proxy.post(json: chatJSON("after the crash"))
            #expect(after.status == 200)
            let id = try #require(after.headers.header("x-triage-request-id"))
            #expect(await restarted.stop() == 0)
            let text = try String(contentsOfFile: env.triage.logPath, encoding: .utf8)
            let allLines = text.split(separator: "\n")
            let parsed = allLines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(allLines.count - parsed.count <= rounds, "at most one torn line per crash is unreadable")
            #expect(parsed.last?["id"] as? String == id)
            // The project's own reader reads it too, skipping at most one line with a warning.
            let tail = try ChildProcess(executable: Repo.triageBinary, arguments: ["tail", "--log", env.triage.logPath, "-n", "1"])
            await tail.waitForExit()
            try await Task.sleep(for: .milliseconds(50))
            #expect(tail.process.terminationStatus == 0)
            #expect(tail.stdout.text.contains("after the crash"))
        }
    }

    @Test("client keys: missing or wrong key is a 401 in OpenAI's shape; the right key passes; no key is logged")
    func clientAuth() async throws {
        let clientKey = "triage-client-key-7d1e"
        try await Environment.with(
            environment: ["TRIAGE_TEST_REMOTE_KEY": testSecret, "TRIAGE_TEST_CLIENT_KEYS": "other-key, \(clientKey)"],
            yaml: { local, remote in testRoutes(local: local, remote: remote) + "\nauth: {client_keys_env: [TRIAGE_TEST_CLIENT_KEYS]}\n" }
        ) { env in
            let missing = try await env.proxy.post(json: chatJSON("hi"))
            #expect(missing.status == 401)
            let error = try #require(jsonObject(missing.body)?["error"] as? [String: Any])
            #expect(error["code"] as? String == "invalid_api_key")
            let wrong = try await env.proxy.post(json: chatJSON("hi"), headers: [("Authorization", "Bearer not-\(clientKey)")])
            #expect(wrong.status == 401)
            #expect(!wrong.body.contains(clientKey))
            let models = try await env.client.execute(UpstreamRequest(url: env.triage.url + "/v1/models", method: "GET"))
            #expect(models.status == 401)
            _ = try await models.body.collect(upTo: 1 << 16)
            #expect(try await env.proxy.get("/healthz").status == 200)

            let good = try await env.proxy.post(json: chatJSON("hi"), headers: [("Authorization", "Bearer \(clientKey)")])
            #expect(good.status == 200)
            let anthropicStyle = try await env.proxy.post(json: chatJSON("hi"), headers: [("x-api-key", "other-key")])
            #expect(anthropicStyle.status == 200)
            // The client's key is not forwarded to the backend.
            for request in try await env.local.receivedRequests(client: env.client) {
                let headers = request["headers"] as? [String: Any] ?? [:]
                #expect((headers["authorization"] as? String)?.contains(clientKey) != true)
            }
            _ = await env.triage.stop()
            let raw = try String(contentsOfFile: env.triage.logPath, encoding: .utf8)
            #expect(!raw.contains(clientKey))
            #expect(!raw.contains("other-key"))
            #expect(!raw.contains(testSecret))
            #expect(raw.contains("rejected: invalid_api_key"))
            #expect(!env.triage.child.stderr.text.contains(clientKey))
        }
    }
}
