import Foundation
import Logging
import PostgresNIO
import TriageConfig
import TriageLog

/// The connection pool to the shared database, and the names of Triage's tables in it: the log
/// (`<table>`, partitioned by UTC day), feedback (`<table>_feedback`) and daily budgets
/// (`<table>_budget`). Opening a store runs the versioned migrations (idempotent, serialised
/// across replicas by an advisory lock).
public final class PostgresStore: Sendable {
    public let client: PostgresClient
    public let table: String
    /// Where the database is, without credentials.
    public let location: String
    let logger: Logger
    private let runner: Task<Void, Never>

    public var feedbackTable: String { table + "_feedback" }
    public var budgetTable: String { table + "_budget" }

    /// Connects (lazily: the pool connects on first use) to `url`.
    public init(url: String, table: String, logger: Logger = Logger(label: "triage.postgres")) throws(PostgresStoreError) {
        guard LogDatabaseConfig.isValidTable(table) else { throw .badTable(table) }
        let parsed = try PostgresURL(url)
        var quiet = logger
        quiet.logLevel = .critical
        let client = PostgresClient(configuration: parsed.configuration, backgroundLogger: quiet)
        self.client = client
        self.table = table
        self.location = parsed.redacted
        self.logger = quiet
        self.runner = Task { await client.run() }
    }

    /// Reads the URL from the environment variable `variable`.
    public convenience init(
        environment: [String: String], variable: String, table: String, logger: Logger = Logger(label: "triage.postgres")
    ) throws(PostgresStoreError) {
        guard let url = environment[variable], !url.isEmpty else { throw .missingURL(variable: variable) }
        try self.init(url: url, table: table, logger: logger)
    }

    /// Stops the pool.
    public func close() {
        runner.cancel()
    }

    /// Runs a statement that returns nothing of interest.
    func execute(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) async throws {
        _ = try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).collect()
    }

    /// Brings the schema up to the newest version; safe to run from every replica at once.
    public func migrate() async throws(PostgresStoreError) {
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(7460291834)", logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL: LogSchema.ledger), logger: logger)
                var binds = PostgresBindings()
                binds.append(table)
                var applied: Set<Int> = []
                let rows = try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT version FROM triage_schema_migrations WHERE table_name = $1", binds: binds), logger: logger)
                for try await version in rows.decode(Int.self) { applied.insert(version) }
                for migration in LogSchema.migrations(table: table) where !applied.contains(migration.version) {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    var record = PostgresBindings()
                    record.append(table)
                    record.append(migration.version)
                    record.append(migration.name)
                    try await connection.query(
                        PostgresQuery(unsafeSQL: "INSERT INTO triage_schema_migrations (table_name, version, name) VALUES ($1, $2, $3)", binds: record),
                        logger: logger)
                }
            }
        } catch {
            throw .database("cannot migrate the log schema in \(location): \(PostgresStoreError.describe(error))")
        }
    }

    /// The schema versions applied to this store's table, in order.
    public func appliedVersions() async throws -> [Int] {
        var binds = PostgresBindings()
        binds.append(table)
        let rows = try await client.query(
            PostgresQuery(unsafeSQL: "SELECT version FROM triage_schema_migrations WHERE table_name = $1 ORDER BY version", binds: binds), logger: logger)
        var versions: [Int] = []
        for try await version in rows.decode(Int.self) { versions.append(version) }
        return versions
    }
}
