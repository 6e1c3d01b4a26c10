import Foundation

/// What a program printed and how it ended.
struct ProgramRun: Sendable {
    let status: Int32
    let stdout: String
    let stderr: String

    /// Runs `executable` to completion. Both pipes are read to their end (on threads of their
    /// own, never blocking the concurrency pool) before the exit status is taken, so the output
    /// is whole however loaded the machine is.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> ProgramRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe(), errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        async let stdout = readToEnd(output.fileHandleForReading)
        async let stderr = readToEnd(errors.fileHandleForReading)
        let (out, err) = await (stdout, stderr)
        while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        return ProgramRun(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// Reads `handle` to its end on a thread of its own: a blocking read on the concurrency pool
    /// (two threads on a 2-core machine) would stall every other test in the process meanwhile.
    static func readToEnd(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: handle.readDataToEndOfFile()) }.start()
        }
    }
}
