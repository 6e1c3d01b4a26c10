import ArgumentParser
import Foundation
import TriageConfig

/// Loads routes.yaml for a command, or prints every problem (`FILE:LINE: FIELD: MESSAGE`) to
/// stderr, followed by `hint` when given, and exits with code 2 (invalid config).
func loadRoutesOrExit(_ path: String, hint: String? = nil) throws -> RoutesConfig {
    do {
        return try ConfigLoader.load(path: path)
    } catch {
        let text = hint.map { "triage: \(error.description)\n\($0)\n" } ?? "triage: \(error.description)\n"
        FileHandle.standardError.write(Data(text.utf8))
        throw ExitCode(2)
    }
}
