import ArgumentParser
import Foundation
import Logging
import TriageConfig
import TriagePostgres

extension LogSinkKind: ExpressibleByArgument {}

/// Where `report`, `export` and `tail` read the routing log: the JSONL file or the shared
/// database (`--source`, else `log.sink` of routes.yaml). The database URL comes from the
/// environment variable `log.url_env` names.
enum DatabaseSource {
    /// The store to read, or `nil` for the file.
    static func open(_ source: LogSinkKind?, routes: RoutesConfig?) throws -> PostgresStore? {
        let settings = routes?.log.database ?? LogDatabaseConfig()
        guard (source ?? settings.sink) == .postgres else { return nil }
        do {
            return try PostgresStore(environment: ProcessInfo.processInfo.environment, variable: settings.urlEnv, table: settings.table)
        } catch {
            FileHandle.standardError.write(Data("triage: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Runs `body` with the database's log (and feedback) written out as JSONL files in a private
    /// temporary directory (0700, files 0600), removed afterwards: the readers that take files
    /// then print exactly what they print for the file sink.
    static func withDump<Result>(
        _ store: PostgresStore, since: Date? = nil, until: Date? = nil, _ body: (String) throws -> Result
    ) async throws -> Result {
        var template = Array((NSTemporaryDirectory() + "/triage-dump-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw ValidationError("cannot create a temporary directory") }
        let directory = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logPath = directory + "/routing.jsonl"
        do {
            try await store.dump(logTo: logPath, feedbackTo: directory + "/feedback.jsonl", since: since, until: until)
        } catch {
            FileHandle.standardError.write(Data("triage: cannot read the routing log from \(store.location): \(error)\n".utf8))
            throw ExitCode(1)
        }
        return try body(logPath)
    }
}
