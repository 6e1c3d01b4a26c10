import Testing
@testable import TriageConfig

@Suite("log.sink postgres settings")
struct LogDatabaseConfigTests {
    private let backends = "backends:\n  - {name: local, base_url: \"http://127.0.0.1:1/v1\", model: m}\nauto: {default_backend: local}\n"

    @Test("sink, url_env, table, retention_days, spool_max_bytes and write_timeout_ms are read; the file is the default")
    func reads() throws {
        let plain = try ConfigLoader.parse(yaml: backends, sourceName: "routes.yaml")
        #expect(plain.log.database == LogDatabaseConfig())
        #expect(plain.log.database.sink == .file)
        let config = try ConfigLoader.parse(yaml: """
            log: {path: /tmp/x.jsonl, sink: postgres, url_env: MY_DB, table: edge_log, retention_days: 30, spool_max_bytes: 1000, write_timeout_ms: 250}
            """ + "\n" + backends, sourceName: "routes.yaml")
        let database = config.log.database
        #expect(database.sink == .postgres)
        #expect(database.urlEnv == "MY_DB")
        #expect(database.table == "edge_log")
        #expect(database.retentionDays == 30)
        #expect(database.spoolMaxBytes == 1000)
        #expect(database.writeTimeoutMs == 250)
        #expect(config.log.path == "/tmp/x.jsonl")
    }

    @Test("a URL in the file, a bad table name or an unknown sink are errors with their line")
    func rejects() {
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.parse(yaml: """
                log: {sink: mysql, url_env: "postgres://u:p@h/db", table: "x; DROP TABLE y"}
                """ + "\n" + backends, sourceName: "routes.yaml")
        }
        let text = error?.description ?? ""
        #expect(text.contains("routes.yaml:1: log.sink: must be file or postgres, got 'mysql'"))
        #expect(text.contains("log.url_env: must name an environment variable"))
        #expect(!text.contains("u:p@h"))
        #expect(text.contains("log.table: must be a lower-case SQL name"))
    }
}
