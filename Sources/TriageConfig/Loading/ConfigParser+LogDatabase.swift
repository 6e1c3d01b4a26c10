/// The PostgreSQL keys of the `log` section: `sink`, `url_env`, `table`, `retention_days`,
/// `spool_max_bytes`, `write_timeout_ms`.
extension ConfigParser {
    static let logDatabaseKeys = ["sink", "url_env", "table", "retention_days", "spool_max_bytes", "write_timeout_ms"]

    mutating func parseLogDatabase(_ fields: YAMLFields) -> LogDatabaseConfig {
        var database = LogDatabaseConfig()
        if let value = fields.node("sink"), let text = string(value, field: fields.path("sink")) {
            if let sink = LogSinkKind(rawValue: text) {
                database.sink = sink
            } else {
                report(line: value.line, field: fields.path("sink"), "must be file or postgres, got '\(text)'")
            }
        }
        if let value = fields.node("url_env"), let text = string(value, field: fields.path("url_env")) {
            if text.isEmpty || text.contains("://") {
                report(line: value.line, field: fields.path("url_env"), "must name an environment variable holding the database URL (the URL itself never goes in this file)")
            } else {
                database.urlEnv = text
            }
        }
        if let value = fields.node("table"), let text = string(value, field: fields.path("table")) {
            if LogDatabaseConfig.isValidTable(text) {
                database.table = text
            } else {
                report(line: value.line, field: fields.path("table"), "must be a lower-case SQL name (a-z, 0-9, _; at most 40), got '\(text)'")
            }
        }
        if let value = fields.node("retention_days"), let days = positiveInt(value, field: fields.path("retention_days")) {
            database.retentionDays = days
        }
        if let value = fields.node("spool_max_bytes"), let bytes = positiveInt(value, field: fields.path("spool_max_bytes")) {
            database.spoolMaxBytes = bytes
        }
        if let value = fields.node("write_timeout_ms"), let millis = positiveInt(value, field: fields.path("write_timeout_ms")) {
            database.writeTimeoutMs = millis
        }
        return database
    }
}
