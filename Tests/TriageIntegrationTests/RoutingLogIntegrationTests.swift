import Foundation
import Glibc
import Testing
import TriageUpstream

func oneBackendRoutes(local: String, remote: String, limits: String = "", log: String = "") -> String {
    """
    listen: {host: 127.0.0.1, port: 0}
    models: [triage]
    limits: {max_body_bytes: 65536\(limits)}
    log: {path: "{LOG}"\(log)}
    backends:
      - name: local
        base_url: \(local)
        model: small-ft
    rules:
      - name: default
        match: {always: true}
        route: local
    auto: {default_backend: local}
    """
}

func prlimit(_ arguments: [String]) async throws {
    let child = try ChildProcess(executable: "/usr/bin/prlimit", arguments: arguments)
    await child.waitForExit()
    #expect(child.process.terminationStatus == 0, "prlimit \(arguments): \(child.stderr.text)")
}

private func fileMode(_ path: String) -> mode_t {
    var info = stat()
    guard stat(path, &info) == 0 else { return 0 }
    return info.st_mode & 0o777
}

@Suite("Routing log: write failures, deleted directory, file modes (real processes on 127.0.0.1)", .serialized)
struct RoutingLogIntegrationTests {
    /// Requests during a file-size limit on the serve process (`prlimit --pid`), set so the next
    /// line is cut off part-way (a short write, then EFBIG, like a full disk), then lifted.
    private func outage(
        _ env: Environment, during: () async throws -> Void
    ) async throws {
        let pid = env.triage.child.process.processIdentifier
        let size = try #require(try FileManager.default.attributesOfItem(atPath: env.triage.logPath)[.size] as? Int)
        try await prlimit(["--pid", "\(pid)", "--fsize=\(size + 40):unlimited"])
        try await during()
        #expect(try FileManager.default.attributesOfItem(atPath: env.triage.logPath)[.size] as? Int == size, "the torn bytes were cut off")
        try await prlimit(["--pid", "\(pid)", "--fsize=unlimited:unlimited"])
    }

    private func metric(_ env: Environment, _ name: String) async throws -> Double? {
        let text = try await env.proxy.get("/metrics").body
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
    }

    private func logStatus(_ env: Environment) async throws -> [String: Any] {
        let status = try #require(jsonObject(try await env.proxy.get("/v1/triage/status").body))
        return try #require(status["routing_log"] as? [String: Any])
    }

    /// Every line of the log parses; returns their ids.
    private func wholeLineIDs(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        return text.split(separator: "\n").map { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "torn or merged line: \(line.prefix(100))")
            return object?["id"] as? String ?? "?"
        }
    }

    @Test("fail_open: while the log cannot be written answers go on, every lost record is counted, and the log recovers with whole lines")
    func logFailureFailOpen() async throws {
        try await Environment.with(yaml: { local, remote in oneBackendRoutes(local: local, remote: remote) }) { env in
            defer { try? FileManager.default.removeItem(at: env.triage.directory) }
            var logged: [String] = []
            for index in 0..<3 {
                let answer = try await env.proxy.post(json: chatJSON("before \(index)"))
                #expect(answer.status == 200)
                logged.append(answer.headers.header("x-triage-request-id") ?? "")
            }
            try await outage(env) {
                for index in 0..<5 {
                    let answer = try await env.proxy.post(json: chatJSON("during \(index) " + String(repeating: "padding ", count: 20)))
                    #expect(answer.status == 200)
                }
                #expect(try await metric(env, "triage_routing_log_lost_records_total") == 5)
                #expect(try await metric(env, "triage_routing_log_failing") == 1)
                let status = try await logStatus(env)
                #expect(status["lost"] as? Int == 5)
                #expect(status["failing"] as? Bool == true)
                #expect(status["on_write_error"] as? String == "fail_open")
                #expect((status["last_error"] as? String)?.contains("File too large") == true)
            }
            for index in 0..<3 {
                let answer = try await env.proxy.post(json: chatJSON("after \(index)"))
                #expect(answer.status == 200)
                logged.append(answer.headers.header("x-triage-request-id") ?? "")
            }
            #expect(try wholeLineIDs(env.triage.logPath) == logged)
            let status = try await logStatus(env)
            #expect(status["failing"] as? Bool == false)
            #expect(status["lost"] as? Int == 5)
            #expect(status["written"] as? Int == 6)
            #expect(env.triage.child.stderr.text.contains("File too large"))
            #expect(env.triage.child.stderr.text.contains("is written again; 5 record(s) lost"))
        }
    }

    @Test("fail_closed: while the log cannot be written clients get 503 routing_log_unavailable in their own API's shape; then answers resume")
    func logFailureFailClosed() async throws {
        try await Environment.with(yaml: { local, remote in
            oneBackendRoutes(local: local, remote: remote, log: ", on_write_error: fail_closed")
        }) { env in
            defer { try? FileManager.default.removeItem(at: env.triage.directory) }
            let before = try await env.proxy.post(json: chatJSON("before"))
            #expect(before.status == 200)
            try await outage(env) {
                let refused = try await env.proxy.post(json: chatJSON("during " + String(repeating: "padding ", count: 20)))
                #expect(refused.status == 503)
                let error = try #require(jsonObject(refused.body)?["error"] as? [String: Any])
                #expect(error["code"] as? String == "routing_log_unavailable")
                let stream = try await env.proxy.post(json: chatJSON("during, streamed", stream: true))
                #expect(stream.status == 503 || stream.body.contains("routing_log_unavailable"), "\(stream.status) \(stream.body)")
                #expect(!stream.body.contains("[DONE]"))
                let anthropic = try await env.proxy.post(
                    "/v1/messages", json: #"{"model":"triage","max_tokens":16,"messages":[{"role":"user","content":"during, anthropic"}]}"#)
                #expect(anthropic.status == 503)
                #expect(jsonObject(anthropic.body)?["type"] as? String == "error")
                #expect(try await logStatus(env)["lost"] as? Int == 3)
            }
            let after = try await env.proxy.post(json: chatJSON("after"))
            #expect(after.status == 200)
            let ids = [before, after].map { $0.headers.header("x-triage-request-id") ?? "" }
            #expect(try wholeLineIDs(env.triage.logPath) == ids)
        }
    }

    @Test("the log and feedback.jsonl are 0600; a deleted log directory is recreated and the next records land there")
    func fileModesAndDeletedDirectory() async throws {
        try await Environment.with(yaml: { local, remote in oneBackendRoutes(local: local, remote: remote) }) { env in
            defer { try? FileManager.default.removeItem(at: env.triage.directory) }
            let first = try await env.proxy.post(json: chatJSON("first"))
            let id = try #require(first.headers.header("x-triage-request-id"))
            let feedback = try await env.proxy.post("/v1/feedback", json: #"{"request_id":"\#(id)","score":1}"#)
            #expect(feedback.status == 200)
            let directory = (env.triage.logPath as NSString).deletingLastPathComponent
            #expect(fileMode(env.triage.logPath) == 0o600)
            #expect(fileMode(directory + "/feedback.jsonl") == 0o600)

            try FileManager.default.removeItem(atPath: directory)
            var ids: [String] = []
            for index in 0..<3 {
                let answer = try await env.proxy.post(json: chatJSON("after the directory went \(index)"))
                #expect(answer.status == 200)
                ids.append(answer.headers.header("x-triage-request-id") ?? "")
            }
            #expect(try wholeLineIDs(env.triage.logPath) == ids)
            #expect(fileMode(env.triage.logPath) == 0o600)
            let status = try await logStatus(env)
            #expect(status["reopened"] as? Int == 1)
            #expect(status["lost"] as? Int == 0)
        }
    }
}
