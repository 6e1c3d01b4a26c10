import ArgumentParser
import Foundation
import TriageConfig
import TriageFlywheel
import TriageLog
import TriagePostgres

/// `triage tail`: a readable view of the routing log.
struct Tail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the routing log, one line per decision; --follow to watch new lines.",
        discussion: """
        Columns: time, backend, rule, status, latency, time to first token (streams only), \
        prompt+completion tokens (~ when estimated), cost, start of the last user message. \
        Columns have fixed widths; longer backend and rule names are cut and end in "…".

        Examples:
          triage tail
          triage tail --follow --backend remote
          triage tail --json -n 100 | jq .reason
          triage tail --source postgres --follow   # every replica's requests (log.sink: postgres)
        """
    )

    @Option(name: .shortAndLong, help: "The routing rules file (to find log.path).")
    var config: String = "routes.yaml"

    @Option(help: "Read this log file instead of the one routes.yaml names.")
    var log: String?

    @Option(help: "Read the log from file or postgres (default: log.sink of the config).")
    var source: LogSinkKind?

    @Flag(name: .shortAndLong, help: "Keep watching for new lines.")
    var follow = false

    @Option(help: "Only show requests sent to this backend.")
    var backend: String?

    @Flag(help: "Print the raw JSON records instead of readable lines.")
    var json = false

    @Option(name: [.customShort("n"), .long], help: "Show only the last N records first.")
    var lines: Int = 20

    func run() async throws {
        let path: String
        if let log {
            path = log
        } else {
            let routes = try loadRoutesOrExit(config, hint: "(use --log FILE to read a log directly)")
            if let store = try DatabaseSource.open(source, routes: routes) {
                try await tailDatabase(store)
                return
            }
            path = routes.log.path
        }
        let reader = RoutingLogReader(path: path) { warning in
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        let formatter = TailFormatter()
        let backend = self.backend
        let json = self.json
        let include: @Sendable (RoutingLogRecord) -> Bool = { record in
            backend.map { record.backend == $0 } ?? true
        }
        let show: @Sendable (RoutingLogRecord) -> Void = { record in
            if json {
                FileHandle.standardOutput.write(Data(record.jsonLine()))
            } else {
                FileHandle.standardOutput.write(Data((formatter.format(record) + "\n").utf8))
            }
        }
        if follow {
            for try await record in reader.follow(lastLines: lines, where: include) { show(record) }
        } else {
            // The current file first, then rotated ones (newest first) until there are enough lines.
            let files: [String]
            do {
                files = try LogFiles.list(path: path).reversed()
            } catch {
                FileHandle.standardError.write(Data("triage: \(error.description)\n".utf8))
                throw ExitCode(1)
            }
            var shown: [RoutingLogRecord] = []
            for file in files {
                do {
                    // LogStream, the one reader of rotated log files, one file at a time (newest first).
                    let stream = try LogStream(files: [file]) { warning in
                        FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
                    }
                    shown = stream.map(\.record).filter(include) + shown
                } catch {
                    FileHandle.standardError.write(Data("triage: \(error.description)\n".utf8))
                    throw ExitCode(1)
                }
                if shown.count >= lines { break }
            }
            for record in shown.suffix(lines) { show(record) }
        }
    }
}
