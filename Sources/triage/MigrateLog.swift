import ArgumentParser
import Foundation
import TriageConfig
import TriagePostgres

/// `triage migrate-log`: copy JSONL routing logs into the shared database.
struct MigrateLog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-log",
        abstract: "Copy a JSONL routing log (rotated files and feedback.jsonl included) into PostgreSQL.",
        discussion: """
        Creates or migrates the schema first. Idempotent: records already in the database \
        (same request id and time) and feedback lines already stored are skipped, so it can be \
        run again, e.g. once per replica's log, or after an interrupted run. The database is the \
        one log.url_env names (default TRIAGE_DATABASE_URL), the table log.table.

        Examples:
          TRIAGE_DATABASE_URL=postgres://triage@db:5432/triage triage migrate-log
          triage migrate-log --log /var/lib/triage/replica-2/routing.jsonl
        """
    )

    @Option(name: .shortAndLong, help: "The routing rules file (log.path, log.url_env, log.table).")
    var config: String = "routes.yaml"

    @Option(help: "Copy this log instead of log.path (its rotated files are copied too).")
    var log: String?

    func run() async throws {
        let routes = try? ConfigLoader.load(path: config)
        guard let logPath = log ?? routes?.log.path else {
            throw ValidationError("cannot read \(config) to find log.path; give --log FILE")
        }
        guard let store = try DatabaseSource.open(.postgres, routes: routes) else { return }
        defer { store.close() }
        do {
            let summary = try await LogMigration(store: store).run(logPath: logPath) {
                FileHandle.standardError.write(Data("warning: \($0)\n".utf8))
            }
            print(summary)
        } catch {
            FileHandle.standardError.write(Data("triage: \(PostgresStoreError.describe(error))\n".utf8))
            throw ExitCode(1)
        }
    }
}
