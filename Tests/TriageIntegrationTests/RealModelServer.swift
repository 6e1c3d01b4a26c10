import Foundation

/// The real local model: SmolLM2-135M-Instruct served by llama-cpp-python's OpenAI-compatible
/// server (Tests/Fixtures/llama_server.py), on 127.0.0.1 and an ephemeral port.
///
/// Needs what `scripts/local-model.sh install` puts under `.local-model/` (`make deps` runs it);
/// without it the tests fail with that instruction rather than pass without a model.
final class RealModelServer: Sendable {
    let child: ChildProcess
    let port: Int

    /// Where `scripts/local-model.sh` installs (`TRIAGE_LOCAL_MODEL_DIR`, else `.local-model/`).
    static var installDirectory: URL {
        if let explicit = ProcessInfo.processInfo.environment["TRIAGE_LOCAL_MODEL_DIR"] { return URL(fileURLWithPath: explicit) }
        return Repo.root.appendingPathComponent(".local-model")
    }

    /// The model server's command line: the venv's python, the fixture and the model file.
    static func command() throws -> (executable: String, arguments: [String]) {
        let python = installDirectory.appendingPathComponent("venv/bin/python").path
        let model = installDirectory.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
        guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: model) else {
            throw HarnessError.startFailed(
                "The real-model tests need llama-cpp-python and SmolLM2 under \(installDirectory.path): run `scripts/local-model.sh install` (`make deps` does it)."
            )
        }
        return (python, [Repo.fixtures.appendingPathComponent("llama_server.py").path, "--model", model])
    }

    static func start() async throws -> RealModelServer {
        let command = try command()
        let child = try ChildProcess(executable: command.executable, arguments: command.arguments)
        let line: String
        do {
            line = try await child.stdout.waitForLine(prefix: "PORT ", timeout: .seconds(120))
        } catch {
            await child.stop()
            throw HarnessError.startFailed("the model server did not start: \(error)\nstderr:\n\(child.stderr.text)")
        }
        guard let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespaces)) else {
            await child.stop()
            throw HarnessError.startFailed("the model server printed '\(line)'")
        }
        return RealModelServer(child: child, port: port)
    }

    private init(child: ChildProcess, port: Int) {
        self.child = child
        self.port = port
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Stops the server: it exits when its stdin closes; a signal is the fallback.
    func stop() async {
        if await child.closeInput(timeout: .seconds(5)) { return }
        await child.stop()
    }
}
