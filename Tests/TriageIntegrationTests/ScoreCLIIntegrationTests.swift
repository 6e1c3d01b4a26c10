import Foundation
import Testing

/// Runs the built `triage score` with `arguments` in `directory` (standard input from `stdinPath`
/// when given) to completion; returns its status, output lines as JSON objects, and stderr.
private func runScore(_ arguments: [String], stdinPath: String? = nil, directory: URL) async throws
    -> (status: Int32, lines: [[String: Any]], stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Repo.triageBinary)
    process.arguments = ["score"] + arguments
    process.currentDirectoryURL = directory
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = stdinPath.flatMap { FileHandle(forReadingAtPath: $0) } ?? FileHandle.nullDevice
    try process.run()
    // On threads of their own: a detached task's blocking read held a concurrency-pool thread
    // (two on this machine) until the program ended, stalling timing tests elsewhere in the run.
    async let out = ProgramRun.readToEnd(output.fileHandleForReading)
    async let err = ProgramRun.readToEnd(errors.fileHandleForReading)
    let (stdoutData, stderrData) = await (out, err)
    while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
    let lines = String(decoding: stdoutData, as: UTF8.self).split(separator: "\n").compactMap { jsonObject(String($0)) }
    return (process.terminationStatus, lines, String(decoding: stderrData, as: UTF8.self))
}

@Suite("triage score (the built binary)")
struct ScoreCLIIntegrationTests {
    /// A temporary directory with routes.yaml whose auto: names the banking reference fixture.
    private func workspace() throws -> URL {
        try bankingWorkspace("score")
    }

    private static let input = [
        #"{"id":"p1","prompt":"Why was my card declined?"}"#,
        #"{"messages":[{"role":"system","content":"bank"},{"role":"user","content":"Prove that sqrt(2) is irrational, step by step, rigorously."}]}"#,
        "{broken",
        #"{"id":"tr-9","ts":"2026-11-29T10:10:52.498Z","endpoint":"/v1/chat/completions","stream":false,"reason":"r","status":200,"latency_ms":1,"messages":[{"role":"user","content":"How do I check my card balance?"}]}"#,
    ].joined(separator: "\n") + "\n"

    @Test("a file of prompts, chats and log lines: one JSON line each, a bad line named, exit 3")
    func scoresFile() async throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("in.jsonl").path
        try Self.input.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await runScore([path], directory: directory)
        #expect(result.status == 3, "stderr: \(result.stderr)")
        #expect(result.lines.count == 4)
        #expect(result.lines.map { $0["line"] as? Int } == [1, 2, 3, 4])
        #expect(result.lines[0]["id"] as? String == "p1")
        #expect(result.lines[0]["decision"] as? String == "local")
        #expect(result.lines[0]["decided_by"] as? String == "none")
        #expect((result.lines[0]["fit"] as? Double ?? 0) > 0.5)
        #expect(result.lines[1]["decision"] as? String == "remote")
        #expect(result.lines[1]["id"] == nil)
        #expect((result.lines[2]["error"] as? String)?.hasPrefix("not valid JSON") == true)
        #expect(result.lines[3]["id"] as? String == "tr-9")
        #expect(result.lines[3]["decision"] as? String == "local")
        #expect(result.stderr.contains("in.jsonl:3: not valid JSON"))
        #expect(result.stderr.contains("3 scored, 1 failed"))
    }

    @Test("standard input, and the overrides: --min-fit, --max-complexity, --complexity-weights, --reference")
    func stdinAndOverrides() async throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("in.jsonl").path
        try #"{"prompt":"Why was my card declined?"}"#.write(toFile: path, atomically: true, encoding: .utf8)

        let plain = try await runScore([], stdinPath: path, directory: directory)
        #expect(plain.status == 0, "stderr: \(plain.stderr)")
        #expect(plain.lines.first?["decision"] as? String == "local")

        let strict = try await runScore(["--min-fit", "1.5", "--max-complexity=-1", "-"], stdinPath: path, directory: directory)
        #expect(strict.status == 0)
        #expect(strict.lines.first?["decided_by"] as? String == "both")

        let other = directory.appendingPathComponent("other.jsonl").path
        try ["what is the boiling point of water in kelvin", "how many moons does jupiter have", "who painted the mona lisa"]
            .map { #"{"prompt":"\#($0)"}"# }.joined(separator: "\n").write(toFile: other, atomically: true, encoding: .utf8)
        let reference = try await runScore(["--reference", other, path], directory: directory)
        #expect(reference.status == 0, "stderr: \(reference.stderr)")
        #expect((reference.lines.first?["similarity"] as? Double ?? 1) < (plain.lines.first?["similarity"] as? Double ?? 0))

        let missing = try await runScore(["--complexity-weights", "nope.json", path], directory: directory)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope.json"))
    }

    @Test("`triage train --holdout 0` weights, then `triage score --complexity-weights`: the cross-validation loop")
    func trainThenScore() async throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let weights = directory.appendingPathComponent("w.json").path
        let train = Process()
        train.executableURL = URL(fileURLWithPath: Repo.triageBinary)
        train.arguments = ["train", "--labels", Repo.fixtures.appendingPathComponent("complexity-labels.jsonl").path,
                           "--out", weights, "--holdout", "0"]
        train.standardOutput = FileHandle.nullDevice
        try train.run()
        while train.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        #expect(train.terminationStatus == 0)
        let path = directory.appendingPathComponent("in.jsonl").path
        try #"{"prompt":"Why was my card declined?"}"#.write(toFile: path, atomically: true, encoding: .utf8)
        let scored = try await runScore(["--complexity-weights", weights, path], directory: directory)
        #expect(scored.status == 0, "stderr: \(scored.stderr)")
        #expect(scored.lines.first?["complexity"] is Double)
    }
}
