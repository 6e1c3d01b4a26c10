import Foundation

/// Runs `Tests/Fixtures/fake_upstream.py` as a child process for the duration of a test.
///
/// Starting and stopping never block a cooperative-pool thread (the pool has only as many
/// threads as cores, and blocking it would skew the timing assertions of other tests).
final class FakeUpstream {
    /// Why the fixture could not be started.
    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    private let process: Process
    private let stdin: Pipe
    private let exited: Task<Void, Never>

    /// Path of the Python fixture, found relative to this source file.
    static let scriptPath: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fake_upstream.py")
        .path

    /// Starts the fixture and waits for its `PORT <n>` line.
    init(name: String = "local") async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.scriptPath, "--name", name, "--port", "0"]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        let (exitStream, exitContinuation) = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in exitContinuation.finish() }
        try process.run()
        let exited = Task {
            for await _ in exitStream {}
        }

        let reader = stdout.fileHandleForReading
        let line: String = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var buffer = Data()
                while !buffer.contains(UInt8(ascii: "\n")) {
                    let data = reader.availableData
                    if data.isEmpty { break }
                    buffer.append(data)
                }
                let text = String(decoding: buffer, as: UTF8.self)
                continuation.resume(returning: String(text.split(separator: "\n").first ?? ""))
            }
        }
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            process.terminate()
            await exited.value
            throw StartError(description: "fake_upstream.py did not print 'PORT <n>' (got \"\(line)\")")
        }
        self.port = port
        self.process = process
        self.stdin = stdin
        self.exited = exited
    }

    /// `http://127.0.0.1:<port><path>`.
    func url(_ path: String = "/v1/chat/completions") -> String {
        "http://127.0.0.1:\(port)\(path)"
    }

    /// Closes the fixture's stdin (it exits on EOF), sends SIGTERM, and waits for it to exit.
    func stop() async {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning {
            process.terminate()
        }
        await exited.value
    }
}

/// Runs `body` with a fresh fake upstream, stopping it afterwards even if `body` throws.
func withFakeUpstream<T>(name: String = "local", _ body: (FakeUpstream) async throws -> T) async throws -> T {
    let upstream = try await FakeUpstream(name: name)
    do {
        let result = try await body(upstream)
        await upstream.stop()
        return result
    } catch {
        await upstream.stop()
        throw error
    }
}
