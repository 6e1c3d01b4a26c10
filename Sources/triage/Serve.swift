import ArgumentParser
import Foundation
import Logging
import TriageConfig
import TriageServer

/// `triage serve`: run the proxy.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the proxy on the address routes.yaml names.",
        discussion: """
        Edits to the config file take effect within a second (and on SIGHUP); an invalid edit \
        is rejected with its line and field in the server log, and the old config stays. \
        Stops on SIGTERM or SIGINT: no new connections, requests in flight finish (up to \
        shutdown.grace_seconds), the routing log is flushed, exit code 0.

        Examples:
          triage serve
          triage serve --config /etc/triage/routes.yaml --port 9000
        """
    )

    @Option(name: .shortAndLong, help: "The routing rules file.")
    var config: String = "routes.yaml"

    @Option(help: "Override listen.host from the config.")
    var host: String?

    @Option(help: "Override listen.port from the config (0 picks a free port).")
    var port: Int?

    @Option(help: "Override log.path from the config (the JSONL routing log).")
    var logPath: String?

    @Flag(help: "Do not watch the config file for changes (SIGHUP still does nothing then).")
    var noWatch = false

    @Option(help: "Server log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let fileConfig = try loadRoutesOrExit(config)
        var routes = fileConfig
        if let host { routes.listen.host = host }
        if let port { routes.listen.port = port }
        if let logPath { routes.log.path = logPath }

        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = ServerLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "triage")
        for warning in routes.warnings(environment: ProcessInfo.processInfo.environment) {
            logger.warning("\(warning.description)")
        }
        let server: TriageServer
        do {
            server = try TriageServer(config: routes, watching: noWatch ? nil : fileConfig, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("triage: \(config): \(error)\n".utf8))
            throw ExitCode(1)
        }
        let summary = routes
        do {
            try await serve(server, summary: summary, logger: logger)
        } catch let error as ListenError {
            FileHandle.standardError.write(Data("triage: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        logger.info("stopped; routing log flushed")
    }

    private func serve(_ server: TriageServer, summary: RoutesConfig, logger: Logger) async throws {
        try await server.run { host, port in
            logger.info("started", metadata: [
                "config": .string(summary.sourcePath),
                "backends": .string(summary.backends.map(\.name).joined(separator: ",")),
                "rules": .stringConvertible(summary.rules.count),
                "routing_log": .string(summary.log.path),
            ])
            // Scripts and tests read this line to learn the bound port.
            FileHandle.standardOutput.write(Data("triage listening on http://\(host):\(port)\n".utf8))
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
