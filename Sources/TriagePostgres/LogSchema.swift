/// The versioned schema of Triage's tables. A migration is applied once per table name and
/// recorded in `triage_schema_migrations`; new versions are appended, never edited.
///
/// The log is partitioned by UTC day on `ts` (one partition per day, created as records need
/// them, dropped by `log.retention_days`), so `report` over a time range reads only its days
/// and retention is a `DROP TABLE`, not a `DELETE`. The primary key `(id, ts)` is the record id
/// (a replay of a record always has the same `ts`): inserts are `ON CONFLICT DO NOTHING`, so a
/// record replayed from the spool is stored exactly once, and feedback finds an id by index.
/// `seq` orders records as they were stored, for `tail` and `export`.
enum LogSchema {
    struct Migration {
        let version: Int
        let name: String
        let statements: [String]
    }

    static let ledger = """
        CREATE TABLE IF NOT EXISTS triage_schema_migrations (
            table_name text NOT NULL, version integer NOT NULL, name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (table_name, version))
        """

    /// The columns written for each record, in order (``LogRow`` fills them).
    static let columns = [
        "id", "ts", "endpoint", "client_model", "backend", "rule", "status", "failed", "stream", "latency_ms", "ttft_ms",
        "prompt_tokens", "completion_tokens", "cost_usd", "shadow_backend", "shadow_cost_usd", "line",
        "fit", "complexity", "fallback", "replica",
    ]

    /// Where `ts` is in ``columns`` (bound as text, cast to `timestamptz`).
    static let timestampColumn = 1

    static func migrations(table: String) -> [Migration] {
        [
            Migration(version: 1, name: "log, feedback and budget tables", statements: [
                """
                CREATE TABLE IF NOT EXISTS \(table) (
                    seq bigserial NOT NULL,
                    id text NOT NULL,
                    ts timestamptz NOT NULL,
                    endpoint text NOT NULL,
                    client_model text,
                    backend text,
                    rule text,
                    status integer NOT NULL,
                    failed boolean NOT NULL,
                    stream boolean NOT NULL,
                    latency_ms double precision NOT NULL,
                    ttft_ms double precision,
                    prompt_tokens bigint,
                    completion_tokens bigint,
                    cost_usd double precision,
                    shadow_backend text,
                    shadow_cost_usd double precision,
                    line text NOT NULL,
                    PRIMARY KEY (id, ts)
                ) PARTITION BY RANGE (ts)
                """,
                "CREATE INDEX IF NOT EXISTS \(table)_seq ON \(table) (seq)",
                """
                CREATE TABLE IF NOT EXISTS \(table)_feedback (
                    seq bigserial PRIMARY KEY,
                    request_id text NOT NULL,
                    received_at timestamptz NOT NULL DEFAULT now(),
                    line text NOT NULL)
                """,
                "CREATE INDEX IF NOT EXISTS \(table)_feedback_request ON \(table)_feedback (request_id)",
                """
                CREATE TABLE IF NOT EXISTS \(table)_budget (
                    day date NOT NULL,
                    budget text NOT NULL,
                    backend text NOT NULL,
                    spent_usd double precision NOT NULL DEFAULT 0,
                    PRIMARY KEY (day, budget, backend))
                """,
            ]),
            Migration(version: 2, name: "pending feedback; a notification per insert for tail --follow", statements: [
                // Feedback about an id no replica has stored yet (held back for its shadow copy,
                // or in a replica's spool); moved to <table>_feedback once the id is in the log.
                """
                CREATE TABLE IF NOT EXISTS \(table)_feedback_pending (
                    seq bigserial PRIMARY KEY,
                    request_id text NOT NULL,
                    received_at timestamptz NOT NULL DEFAULT now(),
                    line text NOT NULL)
                """,
                """
                CREATE OR REPLACE FUNCTION \(table)_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN PERFORM pg_notify('\(notifyChannel(table: table))', ''); RETURN NULL; END $$
                """,
                """
                CREATE TRIGGER \(table)_notify AFTER INSERT ON \(table)
                FOR EACH STATEMENT EXECUTE FUNCTION \(table)_notify()
                """,
            ]),
            Migration(version: 3, name: "classifier scores, fallback and replica as columns (the dashboard's timeline in SQL)",
                      statements: scoreColumns(table: table)),
        ]
    }

    /// Version 3: `fit`, `complexity` (the record's `scores`), `fallback` (more than one attempt)
    /// and `replica`, so the report's timeline and score histograms are `GROUP BY`s; rows stored
    /// before are back-filled from their JSON line (only lines that name one of them).
    static func scoreColumns(table: String) -> [String] {
        let number = { (path: String) in
            "CASE WHEN json_typeof(j #> '{\(path)}') = 'number' THEN (j #>> '{\(path)}')::float8 END"
        }
        return [
            """
            ALTER TABLE \(table) ADD COLUMN IF NOT EXISTS fit double precision, ADD COLUMN IF NOT EXISTS complexity double precision,
                ADD COLUMN IF NOT EXISTS fallback boolean NOT NULL DEFAULT false, ADD COLUMN IF NOT EXISTS replica text
            """,
            """
            UPDATE \(table) SET (fit, complexity, fallback, replica) = (
                SELECT \(number("scores,fit")), \(number("scores,complexity")),
                       coalesce(CASE WHEN json_typeof(j -> 'attempts') = 'array' THEN json_array_length(j -> 'attempts') > 1 END, false),
                       CASE WHEN json_typeof(j -> 'replica') = 'string' THEN j ->> 'replica' END
                FROM (SELECT (\(ReportQueries.withoutNUL))::json AS j) parsed)
            WHERE strpos(line, '"scores":') > 0 OR strpos(line, '"attempts":') > 0 OR strpos(line, '"replica":') > 0
            """,
        ]
    }

    /// The channel a statement inserting into `table` notifies (after it commits), for `tail --follow`.
    static func notifyChannel(table: String) -> String {
        table + "_new"
    }

    /// The partition of `table` holding UTC day `day` (`YYYY-MM-DD`): `<table>_pYYYYMMDD`.
    static func partitionName(table: String, day: String) -> String {
        table + "_p" + day.filter { $0 != "-" }
    }

    /// Creates the partition for `day` unless it exists; tolerates another replica creating it at the same moment.
    static func createPartition(table: String, day: String, nextDay: String) -> String {
        let name = partitionName(table: table, day: day)
        return """
            DO $$ BEGIN
                CREATE TABLE IF NOT EXISTS \(name) PARTITION OF \(table) FOR VALUES FROM ('\(day)') TO ('\(nextDay)');
            EXCEPTION WHEN duplicate_table OR unique_violation THEN NULL;
            END $$
            """
    }
}
