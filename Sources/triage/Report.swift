import ArgumentParser
import Foundation
import TriageClassifier
import TriageConfig
import TriageDashboard
import TriageFlywheel
import TriageServer
import TriagePostgres

/// `triage report`: traffic, latency, cost and savings from the routing log.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Share of traffic, latency, tokens, cost and savings versus sending everything to the remote model.",
        discussion: """
        Streams the routing log and its rotated files in bounded memory (a 1 GB log is fine). \
        Savings: each request not answered by the comparison backend (report.compare_to, else \
        auto.remote, else 'remote') is costed at that backend's prices and compared with what it \
        cost. Break-even: the monthly volume at which those savings cover \
        report.monthly_fixed_cost_usd, the fixed cost of the local deployment.

        Examples:
          triage report
          triage report --since 7d
          triage report --since 2026-11-01 --until 2026-12-01 --json
          triage report --since 7d --html report.html

        Fit drift (per UTC day, when the classifier has a reference): the share of classified \
        requests below auto.min_fit, and the PSI and KS statistic of their fits against the \
        reference's own held-out fits; DRIFT when PSI >= 0.25, or KS > 0.2 and significant at 1%.
        """
    )

    @Option(name: .shortAndLong, help: "The routing rules file (prices, log path, fixed cost).")
    var config: String = "routes.yaml"

    @Option(help: "Read this log instead of log.path (its rotated files are read too).")
    var log: String?

    @Option(help: "Read the log from file or postgres (default: log.sink of the config).")
    var source: LogSinkKind?

    @Option(help: "Only requests since this time (ISO 8601, or 30m, 24h, 7d, ...).")
    var since: String?

    @Option(help: "Only requests before this time.")
    var until: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(help: "Also write the report as one self-contained HTML page (the dashboard, no network needed) to this file.")
    var html: String?

    func run() async throws {
        let routes = try loadRoutesOrExit(config)
        let store = log == nil ? try DatabaseSource.open(source, routes: routes) : nil
        let logPath = log ?? routes.log.path
        do {
            let options = ReportSettings.options(
                config: routes,
                since: try since.map { text throws(FlywheelError) in try TimeBound.parse(text) },
                until: try until.map { text throws(FlywheelError) in try TimeBound.parse(text) },
                driftReference: driftReference(routes), bucketSeconds: html == nil ? nil : 3_600
            )
            let report: Report
            if let store {
                report = try await store.report(options: options)
            } else {
                report = try ReportBuilder.build(logPath: logPath, options: options) {
                    FileHandle.standardError.write(Data("warning: \($0)\n".utf8))
                }
            }
            if let html {
                let page = DashboardAssets.selfContainedHTML(reportJSON: Array(try report.json()))
                do {
                    try Data(page.utf8).write(to: URL(fileURLWithPath: html))
                } catch {
                    throw FlywheelError.cannotWrite(path: html, reason: error.localizedDescription)
                }
                FileHandle.standardError.write(Data("wrote \(html) (\(page.utf8.count) bytes)\n".utf8))
            }
            if json {
                FileHandle.standardOutput.write(try report.json())
                print("")
            } else {
                print(report.render())
            }
        } catch {
            FileHandle.standardError.write(Data("triage: \(PostgresStoreError.describe(error))\n".utf8))
            throw ExitCode(1)
        }
    }

    /// The held-out fit distribution of `auto.reference` (from the index cache when present), for
    /// the drift section; nil, with a warning, when there is no reference or it cannot be read.
    private func driftReference(_ routes: RoutesConfig) -> FitDriftReference? {
        guard routes.auto.classifierEnabled, let path = routes.auto.referencePath else { return nil }
        do {
            let index = try ReferenceIndex.load(path: path, cacheDirectory: routes.auto.cacheDirectory)
            return FitDriftReference(heldOutFits: index.calibration.heldOutFits)
        } catch {
            FileHandle.standardError.write(Data("warning: no drift statistics: auto.reference: \(error.description)\n".utf8))
            return nil
        }
    }
}
