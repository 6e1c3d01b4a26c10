import Foundation
import Logging
import TriageConfig
import TriageLog
import TriagePostgres

/// The database replicas share when `log.sink` is `postgres`: the log sink, and the store the
/// feedback lookups and shared daily budgets go through.
struct ReplicaDatabase: Sendable {
    let store: PostgresStore
    let sink: PostgresLogSink
    let budget: PostgresBudget

    /// Budget name of shadow copies in the shared counter rows.
    static let shadowBudget = "shadow"
}

/// Opens the routing log sink that `log.sink` names.
enum LogSinkSetup {
    static func make(
        config: RoutingLogConfig, fileMode: mode_t, environment: [String: String], logger: Logger
    ) throws -> (sink: any RoutingLogSink, database: ReplicaDatabase?) {
        let onError: @Sendable (String) -> Void = { message in logger.error("\(message)") }
        let onWarning: @Sendable (String) -> Void = { message in logger.warning("\(message)") }
        switch config.database.sink {
        case .file:
            let rotation: LogRotationPolicy? = config.maxBytes != nil || config.daily
                ? LogRotationPolicy(maxBytes: config.maxBytes, daily: config.daily, keep: config.keep)
                : nil
            let writer = try RoutingLogWriter(
                path: config.path, rotation: rotation, maxPendingBytes: config.maxPendingBytes, fileMode: fileMode, onError: onError,
                onWarning: onWarning)
            return (writer, nil)
        case .postgres:
            let settings = config.database
            let store = try PostgresStore(environment: environment, variable: settings.urlEnv, table: settings.table, logger: logger)
            let sink = try PostgresLogSink(
                store: store, spoolPath: config.path + ".spool", spoolMaxBytes: settings.spoolMaxBytes,
                writeTimeout: .milliseconds(settings.writeTimeoutMs), retentionDays: settings.retentionDays,
                maxPendingBytes: config.maxPendingBytes, fileMode: fileMode, onError: onError)
            logger.info("routing log goes to PostgreSQL", metadata: [
                "database": .string(store.location), "table": .string(settings.table), "spool": .string(sink.spoolPath),
            ])
            return (sink, ReplicaDatabase(store: store, sink: sink, budget: PostgresBudget(store: store)))
        }
    }
}
