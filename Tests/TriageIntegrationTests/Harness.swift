import Foundation
import Synchronization
import Testing
import TriageUpstream

/// Paths of the repository, found from this file's location.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures")

    /// The `triage` binary built alongside the tests (or `TRIAGE_BINARY`).
    static var triageBinary: String {
        if let explicit = ProcessInfo.processInfo.environment["TRIAGE_BINARY"] { return explicit }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("triage").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/triage").path
    }
}

enum HarnessError: Error, CustomStringConvertible {
    case startFailed(String)
    case timeout(String)
    var description: String {
        switch self {
        case .startFailed(let message), .timeout(let message): return message
        }
    }
}

/// Reads a child process's stdout line by line on a background thread.
final class LineReader: Sendable {
    private let lines = Mutex<[String]>([])
    private let all = Mutex<String>("")
    private let reachedEnd = Mutex(false)

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            var buffer = Data()
            while true {
                let data = handle.availableData
                if data.isEmpty {
                    reachedEnd.withLock { $0 = true }
                    break
                }
                buffer.append(data)
                all.withLock { $0 += String(decoding: data, as: UTF8.self) }
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...newline)
                    lines.withLock { $0.append(line) }
                }
            }
        }
        thread.start()
    }

    var text: String { all.withLock { $0 } }

    /// True once the pipe reached end of file: every byte the child wrote is in ``text``.
    var ended: Bool { reachedEnd.withLock { $0 } }

    /// Waits for a line with `prefix` and returns it.
    func waitForLine(prefix: String, timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = lines.withLock({ $0.first { $0.hasPrefix(prefix) } }) { return line }
            try await Task.sleep(for: .milliseconds(10))
        }
        // A loaded machine can wake this task long after the deadline: look once more, so a
        // line that did arrive in time is never reported missing.
        if let line = lines.withLock({ $0.first { $0.hasPrefix(prefix) } }) { return line }
        throw HarnessError.timeout("no line starting with '\(prefix)' within \(timeout); output so far:\n\(text)")
    }
}

/// A child process whose stdin is a pipe: closing it (or the test process dying) ends the child.
final class ChildProcess: Sendable {
    let process: Process
    let stdout: LineReader
    let stderr: LineReader
    private let stdinPipe: Pipe

    init(executable: String, arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        self.process = process
        self.stdinPipe = input
        self.stdout = LineReader(output.fileHandleForReading)
        self.stderr = LineReader(errors.fileHandleForReading)
    }

    /// Waits for the child to exit without blocking a thread of the concurrency pool (a blocked
    /// thread there would stall every other test running in parallel).
    func waitForExit() async {
        while process.isRunning {
            try? await Task.sleep(for: .milliseconds(10))
        }
        // Let the readers drain the pipes: a fixed short pause lost output on a loaded machine.
        let deadline = ContinuousClock.now + .seconds(5)
        while !(stdout.ended && stderr.ended) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Closes the child's stdin and waits up to `timeout` for it to exit; returns whether it did.
    func closeInput(timeout: Duration = .seconds(2)) async -> Bool {
        try? stdinPipe.fileHandleForWriting.close()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return !process.isRunning
    }

    /// Sends a signal and waits for the process to exit; returns its exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(10)) async -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? stdinPipe.fileHandleForWriting.close()
        return process.terminationStatus
    }
}

/// A fake OpenAI-compatible upstream (Tests/Fixtures/fake_upstream.py) on 127.0.0.1.
final class FakeUpstream: Sendable {
    let child: ChildProcess
    let port: Int
    let name: String

    /// Starts `Tests/Fixtures/fake_upstream.py` (OpenAI-shaped), or another fixture script.
    static func start(name: String, script: String = "fake_upstream.py", arguments: [String] = []) async throws -> FakeUpstream {
        let child = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: ["python3", Repo.fixtures.appendingPathComponent(script).path, "--name", name, "--port", "0"] + arguments
        )
        let line = try await child.stdout.waitForLine(prefix: "PORT ")
        guard let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespaces)) else {
            throw HarnessError.startFailed("fake upstream printed '\(line)'")
        }
        return FakeUpstream(child: child, port: port, name: name)
    }

    private init(child: ChildProcess, port: Int, name: String) {
        self.child = child
        self.port = port
        self.name = name
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Everything the fake upstream has received, as decoded JSON.
    func receivedRequests(client: UpstreamClient) async throws -> [[String: Any]] {
        let response = try await client.execute(UpstreamRequest(url: "http://127.0.0.1:\(port)/requests", method: "GET"))
        let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return (try JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]]) ?? []
    }

    func release(_ token: String, client: UpstreamClient) async throws {
        let response = try await client.execute(UpstreamRequest(url: "http://127.0.0.1:\(port)/release/\(token)", method: "GET"))
        _ = try await response.body.collect(upTo: 1024)
    }

    /// Stops the fake: it exits when its stdin closes; a signal is the fallback.
    func stop() async {
        if await child.closeInput() { return }
        await child.stop()
    }
}

/// A running `triage serve` with its own routes.yaml and routing log in a temporary directory.
final class TriageInstance: Sendable {
    let child: ChildProcess
    let port: Int
    let directory: URL
    let logPath: String
    let configPath: String

    /// Starts triage with `yaml` as routes.yaml. `{LOG}` in the text is replaced by the log path;
    /// `prepareLog` may write a routing log there (its directory exists) before triage starts.
    /// `wrapper` is a command that execs triage (e.g. `prlimit --nofile=512:4096`), keeping its PID.
    static func start(
        yaml: String, environment: [String: String] = [:], wrapper: [String] = [], prepareLog: (String) throws -> Void = { _ in }
    ) async throws -> TriageInstance {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("logs"), withIntermediateDirectories: true)
        let logPath = directory.appendingPathComponent("logs/routing.jsonl").path
        try prepareLog(logPath)
        let configPath = directory.appendingPathComponent("routes.yaml").path
        try yaml.replacingOccurrences(of: "{LOG}", with: logPath).write(toFile: configPath, atomically: true, encoding: .utf8)
        return try await launch(directory: directory, logPath: logPath, configPath: configPath, environment: environment, wrapper: wrapper)
    }

    /// Starts another `triage serve` on the same config and log (e.g. after a crash).
    func restart(environment: [String: String] = [:]) async throws -> TriageInstance {
        try await Self.launch(directory: directory, logPath: logPath, configPath: configPath, environment: environment)
    }

    private static func launch(
        directory: URL, logPath: String, configPath: String, environment: [String: String], wrapper: [String] = []
    ) async throws -> TriageInstance {
        let arguments = ["serve", "--config", configPath, "--port", "0", "--host", "127.0.0.1"]
        let child = try ChildProcess(
            executable: wrapper.first ?? Repo.triageBinary,
            arguments: wrapper.isEmpty ? arguments : Array(wrapper.dropFirst()) + [Repo.triageBinary] + arguments,
            environment: environment
        )
        let line: String
        do {
            line = try await child.stdout.waitForLine(prefix: "triage listening on ")
        } catch {
            await child.stop(signal: SIGKILL)
            throw HarnessError.startFailed("triage did not start: \(error)\nstderr:\n\(child.stderr.text)")
        }
        guard let portText = line.split(separator: ":").last, let port = Int(portText) else {
            throw HarnessError.startFailed("could not read the port from '\(line)'")
        }
        return TriageInstance(child: child, port: port, directory: directory, logPath: logPath, configPath: configPath)
    }

    private init(child: ChildProcess, port: Int, directory: URL, logPath: String, configPath: String) {
        self.child = child
        self.port = port
        self.directory = directory
        self.logPath = logPath
        self.configPath = configPath
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The routing log's records as JSON objects, waiting until at least `count` are there.
    func logRecords(atLeast count: Int, timeout: Duration = .seconds(10)) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + timeout
        var records: [[String: Any]] = []
        while ContinuousClock.now < deadline {
            records = Self.readLog(logPath)
            if records.count >= count { return records }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError.timeout("routing log has \(records.count) records, expected \(count)")
    }

    static func readLog(_ path: String) -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func stop(signal: Int32 = SIGTERM) async -> Int32 { await child.stop(signal: signal) }

    /// Stops this instance and removes its directory (config, routing log and what else it wrote).
    /// Instances started by ``restart(environment:)`` share the directory: stop them first.
    func stopAndRemove() async {
        _ = await stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A routes.yaml for tests, with `local` and `remote` pointing at the given base URLs.
func testRoutes(local: String, remote: String, maxBody: Int = 65536, remoteTimeouts: String = "{connect: 2, total: 5, idle: 5}",
                localTimeouts: String = "{connect: 2, total: 5, idle: 5}") -> String {
    """
    listen: {host: 127.0.0.1, port: 0}
    models: [triage, triage-fast]
    limits: {max_body_bytes: \(maxBody)}
    log: {path: "{LOG}"}
    backends:
      - name: local
        kind: openai
        base_url: \(local)
        model: small-ft
        timeouts: \(localTimeouts)
        price: {input_per_million: 0.1, output_per_million: 0.2}
      - name: remote
        kind: openai
        base_url: \(remote)
        model: big-model
        api_key_env: TRIAGE_TEST_REMOTE_KEY
        timeouts: \(remoteTimeouts)
        price: {input_per_million: 2.5, output_per_million: 10}
    rules:
      - name: header-remote
        match: {header: {name: X-Triage-Backend, value: remote}}
        route: remote
      - name: fast-model
        match: {model: triage-fast}
        route: local
      - name: hard-prompts
        match: {last_user_message: "(?i)prove|step by step"}
        route: remote
      - name: long-prompts
        match: {prompt_tokens_above: 400}
        route: remote
      - name: default
        match: {always: true}
        route: auto
    auto: {default_backend: local}
    """
}

/// The secret the tests give the remote backend; it must never appear in logs or error bodies.
let testSecret = "sk-test-SECRET-do-not-log-4f9a2c"

/// Helpers to call the proxy with the project's own libcurl client.
struct ProxyClient {
    let client: UpstreamClient
    let base: String

    func post(_ path: String = "/v1/chat/completions", json: String, headers: [(name: String, value: String)] = []) async throws -> (status: Int, headers: UpstreamResponse, body: String) {
        let response = try await open(path, json: json, headers: headers)
        let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return (response.status, response, String(decoding: body, as: UTF8.self))
    }

    /// POSTs `json` and returns once the answer's head has arrived, its body unread (for
    /// tests that watch a stream as it comes).
    func open(
        _ path: String = "/v1/chat/completions", json: String, headers: [(name: String, value: String)] = [],
        timeout: Double = 30
    ) async throws -> UpstreamResponse {
        try await client.execute(UpstreamRequest(
            url: base + path, method: "POST",
            headers: [("Content-Type", "application/json")] + headers,
            body: Array(json.utf8),
            timeouts: UpstreamTimeouts(connect: 5, total: timeout, idle: timeout)
        ))
    }

    func get(_ path: String) async throws -> (status: Int, body: String) {
        let response = try await client.execute(UpstreamRequest(url: base + path, method: "GET"))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (response.status, String(decoding: body, as: UTF8.self))
    }
}

func chatJSON(_ prompt: String, model: String = "triage", stream: Bool = false) -> String {
    let escaped = prompt.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    return #"{"model":"\#(model)","stream":\#(stream),"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"\#(escaped)"}]}"#
}

func jsonObject(_ text: String) -> [String: Any]? {
    try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
}
