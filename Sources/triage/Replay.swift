import ArgumentParser
import Foundation
import TriageConfig
import TriageFlywheel
import TriagePostgres
import TriageReplay
import TriageRouting

/// `triage replay`: the recorded requests of the routing log re-decided under a candidate config.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-decide the routing log's requests under a candidate config and show what would change (no upstream calls).",
        discussion: """
        Each recorded request is routed again exactly as `triage serve` would route it under \
        --config (its rules, then its classifier for route: auto, with its reference, weights and \
        thresholds); nothing is sent to any backend. Prints the share per backend and rule before \
        (as recorded) and after, the requests that move (with --show N examples and both reasons), \
        the cost at the candidate's prices (tokens as logged) and the savings versus everything on \
        the remote backend, and, for the requests the log labels (feedback, local failures that \
        fell back, shadow comparisons: the rules of `triage export --labels`), how many known-bad \
        local answers would now go remote and how many known-good ones would leave.

        Streams the log and its rotated files in bounded memory; torn or damaged lines are skipped \
        with a warning. Request headers are not logged: a request decided by a rule with a header \
        condition is replayed with that header present.

        Examples:
          triage replay --config candidate.yaml
          triage replay --config candidate.yaml --log logs/routing.jsonl --since 7d --show 10
          triage replay --config candidate.yaml --json | jq .cost
        """
    )

    @Option(name: .shortAndLong, help: "The candidate routing rules file.")
    var config: String = "routes.yaml"

    @Option(help: "Read this log instead of the candidate's log.path (its rotated files are read too).")
    var log: String?

    @Option(help: "Read the log from file or postgres (default: log.sink of the config).")
    var source: LogSinkKind?

    @Option(help: "Only requests since this time: ISO 8601 (2026-11-01, 2026-11-01T12:00:00Z) or ago (90s, 30m, 24h, 7d, 2w).")
    var since: String?

    @Option(help: "Only requests before this time (same forms as --since).")
    var until: String?

    @Option(help: "How many moved requests to show, with both reasons.")
    var show: Int = 5

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard show >= 0 else { throw ValidationError("--show must be 0 or more, got \(show)") }
    }

    func run() async throws {
        let routes = try loadRoutesOrExit(config)
        if log == nil, let store = try DatabaseSource.open(source, routes: routes) {
            let since = try? self.since.map { text throws(FlywheelError) in try TimeBound.parse(text) }
            let until = try? self.until.map { text throws(FlywheelError) in try TimeBound.parse(text) }
            try await DatabaseSource.withDump(store, since: since, until: until) {
                try replay(routes: routes, logPath: $0, shownPath: "\(store.location) (table \(store.table))")
            }
            return
        }
        try replay(routes: routes, logPath: log ?? routes.log.path, shownPath: nil)
    }

    /// Replays the JSONL log at `logPath` (`shownPath` names it in the report when it is a dump of the database).
    private func replay(routes: RoutesConfig, logPath: String, shownPath: String?) throws {
        let warn: (String) -> Void = { FileHandle.standardError.write(Data("warning: \($0)\n".utf8)) }
        do {
            let auto = try AutoRouting.load(config: routes)
            let labels = try labelOptions(routes: routes, logPath: logPath, warn: warn)
            let options = ReplayOptions(
                since: try since.map { text throws(FlywheelError) in try TimeBound.parse(text) },
                until: try until.map { text throws(FlywheelError) in try TimeBound.parse(text) },
                examples: show, labels: labels
            )
            let stream = try LogStream(path: logPath, onSkip: warn)
            let report = Replayer(config: routes, auto: auto, options: options).replay(stream, configPath: config, logPath: shownPath ?? logPath)
            if json {
                FileHandle.standardOutput.write(report.json())
                print("")
            } else {
                print(report.render())
            }
        } catch {
            FileHandle.standardError.write(Data("triage: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// The label definitions of `triage export --labels` for a log: the config's local backend and
/// the feedback stored beside the log (when there is any).
func labelOptions(routes: RoutesConfig, logPath: String, warn: (String) -> Void) throws(FlywheelError) -> LabelOptions {
    let feedbackPath = FeedbackStore.path(besideLog: logPath)
    let feedback = FileManager.default.fileExists(atPath: feedbackPath) ? try FeedbackStore.load(path: feedbackPath, onSkip: warn) : nil
    return LabelOptions(
        localBackends: [routes.auto.routineBackend], negativeIDs: feedback?.negativeIDs ?? [], positiveIDs: feedback?.positiveIDs ?? []
    )
}
