import ArgumentParser
import Foundation
import TriageConfig
import TriageLog

/// `triage check`: validate routes.yaml without starting anything.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a routes.yaml file and print every problem with its line.",
        discussion: """
        Exit code 0 when the file is valid, 2 when it is not (each problem on its own line, \
        as FILE:LINE: FIELD: MESSAGE), 1 when it cannot be read.

        Examples:
          triage check routes.yaml
        """
    )

    @Argument(help: "The routing rules file.")
    var path: String = "routes.yaml"

    func run() throws {
        do {
            let routes = try ConfigLoader.load(path: path)
            for warning in routes.warnings(environment: ProcessInfo.processInfo.environment) {
                print("warning: \(warning.description)")
            }
            let backends = "\(Plural.count(routes.backends.count, "backend")) (\(routes.backends.map(\.name).joined(separator: ", ")))"
            let models = "\(routes.models.count == 1 ? "model" : "models"): \(routes.models.joined(separator: ", "))"
            print("\(path): OK — \(backends), \(Plural.count(routes.rules.count, "rule")), \(models)")
        } catch {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            if case .unreadable = error { throw ExitCode(1) }
            throw ExitCode(2)
        }
    }
}
