import Foundation
import Testing
import TriageTestSupport

/// Runs a program to completion; returns its exit status and output.
private func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> ProgramRun {
    try await ProgramRun.run(executable, arguments, environment: environment)
}

/// Waits until `text()` contains `marker`; false when `timeout` passes first or `process` ends.
private func waitFor(_ marker: String, in text: () -> String, while process: Process, timeout: Duration) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline && process.isRunning {
        if text().contains(marker) { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return text().contains(marker)
}

/// Starts `executable` the way a shell in a terminal would: no signal blocked. A process spawned
/// from the test's threads inherits their blocked signals (libdispatch's worker threads block
/// SIGINT and SIGTERM), and bash cannot trap a blocked signal, so a Ctrl-C would never arrive.
private func startAsFromTerminal(_ executable: String, environment: [String: String]) throws -> ChildProcess {
    let exec = """
    import os, signal, sys
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    for number in (signal.SIGPIPE, signal.SIGXFSZ): signal.signal(number, signal.SIG_DFL)
    os.execv(sys.argv[1], sys.argv[1:])
    """
    return try ChildProcess(executable: "/usr/bin/env", arguments: ["python3", "-c", exec, executable], environment: environment)
}

// In the real-model suite, which is serialized: one model server at a time on the test machine.
extension RealModelIntegrationTests {
    @Test("the quick start prints the tail/report commands for its own log, and Ctrl-C or SIGTERM stops both processes with exit code 0",
          arguments: [SIGINT, SIGTERM])
    func quickStartStopsCleanly(signal: Int32) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-quickstart-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let modelRunDirectory = directory.appendingPathComponent("model-server").path
        let triagePort = freeLocalPort()
        let script = try startAsFromTerminal(
            Repo.root.appendingPathComponent("scripts/quickstart.sh").path,
            environment: [
                "TRIAGE_BIN": Repo.triageBinary, "TRIAGE_PORT": String(triagePort), "LOCAL_MODEL_PORT": String(freeLocalPort()),
                "QUICKSTART_DIR": directory.path, "OPENAI_API_KEY": "",
            ]
        )
        defer {
            // Whatever happened above, nothing the quick start started outlives the test.
            if script.process.isRunning {
                kill(script.process.processIdentifier, SIGTERM)  // its trap stops Triage and the model server
                for _ in 0..<300 where script.process.isRunning { usleep(100_000) }
                if script.process.isRunning { kill(script.process.processIdentifier, SIGKILL) }
            }
            let stop = Process()
            stop.executableURL = Repo.root.appendingPathComponent("scripts/local-model.sh")
            stop.arguments = ["stop"]
            stop.environment = ProcessInfo.processInfo.environment.merging(["LOCAL_MODEL_RUN_DIR": modelRunDirectory]) { $1 }
            stop.standardError = FileHandle.nullDevice
            if (try? stop.run()) != nil { stop.waitUntilExit() }
        }
        let serving = try await waitFor("serving until Ctrl-C", in: { script.stderr.text }, while: script.process, timeout: .seconds(300))
        try #require(serving, "stdout:\n\(script.stdout.text)\nstderr:\n\(script.stderr.text)")

        // The commands it prints read the quick start's log, not routes.yaml's.
        let config = directory.appendingPathComponent("routes.yaml").path
        let tailLine = try #require(script.stdout.text.split(separator: "\n").first { $0.contains(" tail --config ") }, "stdout:\n\(script.stdout.text)")
        #expect(tailLine.trimmingCharacters(in: .whitespaces) == "\(Repo.triageBinary) tail --config \(config) --follow")
        let tail = try await run(Repo.triageBinary, ["tail", "--config", config])
        #expect(tail.status == 0, "stderr: \(tail.stderr)")
        #expect(tail.stdout.contains("What is the capital of France?") && tail.stdout.contains("Prove that the square root of 2"), "tail:\n\(tail.stdout)")
        #expect(script.stdout.text.contains("\(Repo.triageBinary) report --config \(config)"))
        let report = try await run(Repo.triageBinary, ["report", "--config", config])
        #expect(report.status == 0 && report.stdout.contains("2 requests"), "report:\n\(report.stdout)\n\(report.stderr)")

        // Ctrl-C (SIGINT) or SIGTERM: both stop, and the script says so with exit code 0.
        kill(script.process.processIdentifier, signal)
        let deadline = ContinuousClock.now + .seconds(60)
        while script.process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!script.process.isRunning)
        try await Task.sleep(for: .milliseconds(50))  // let the readers drain the pipes
        #expect(script.process.terminationStatus == 0, "stderr:\n\(script.stderr.text)")
        #expect(script.stderr.text.contains("stopped Triage and the model server"), "stderr:\n\(script.stderr.text)")
        let model = try await run(Repo.root.appendingPathComponent("scripts/local-model.sh").path, ["status"],
                                  environment: ["LOCAL_MODEL_RUN_DIR": modelRunDirectory])
        #expect(model.stdout.contains("not running"))
        let health = try await run("/usr/bin/env", ["curl", "-s", "--max-time", "2", "http://127.0.0.1:\(triagePort)/healthz"])
        #expect(health.status != 0, "Triage still answers on port \(triagePort): \(health.stdout)")
    }
}
