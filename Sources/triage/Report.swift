import ArgumentParser
import Foundation
import TriageConfig
import TriageFlywheel
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

    func run() async throws {
        let routes = try loadRoutesOrExit(config)
        let store = log == nil ? try DatabaseSource.open(source, routes: routes) : nil
        let logPath = log ?? routes.log.path
        var prices: [String: TokenPrice] = [:]
        for backend in routes.backends {
            prices[backend.name] = TokenPrice(inputPerMillion: backend.pricing.inputPerMillion, outputPerMillion: backend.pricing.outputPerMillion)
        }
        let compareTo = routes.report.compareTo ?? routes.auto.remoteBackend
            ?? (routes.backend(named: "remote") != nil ? "remote" : nil)
        do {
            let options = ReportOptions(
                since: try since.map { text throws(FlywheelError) in try TimeBound.parse(text) },
                until: try until.map { text throws(FlywheelError) in try TimeBound.parse(text) },
                prices: prices, remoteBackend: compareTo, monthlyFixedCostUSD: routes.report.monthlyFixedCostUSD
            )
            let report: Report
            if let store {
                report = try await store.report(options: options)
            } else {
                report = try ReportBuilder.build(logPath: logPath, options: options) {
                    FileHandle.standardError.write(Data("warning: \($0)\n".utf8))
                }
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
}
