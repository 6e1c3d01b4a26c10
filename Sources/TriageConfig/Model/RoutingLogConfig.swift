/// The routing decision log (`log: {path: logs/routing.jsonl, max_bytes: 104857600, daily: true, keep: 10}`).
public struct RoutingLogConfig: Sendable, Equatable {
    /// JSON-lines file receiving one record per routed request (`path`, default
    /// `logs/routing.jsonl`). Kept exactly as written; a relative path resolves
    /// against the process's current directory.
    public var path: String
    /// Rotate once the file reaches this many bytes (`max_bytes`); `nil`: no size limit.
    public var maxBytes: Int?
    /// Rotate at the first write of each new UTC day (`daily`, default false).
    public var daily: Bool
    /// Rotated files kept (`keep`, default 10): `path.1` is the newest, `path.N` the oldest.
    public var keep: Int
    /// Bytes of records waiting to be written past which new requests wait for the writer
    /// (`max_pending_bytes`, default 64 MiB): a disk slower than the traffic slows the traffic
    /// instead of growing memory or losing lines.
    public var maxPendingBytes: Int
    /// What the proxy does while records cannot be written (`on_write_error`, default `fail_open`).
    public var onWriteError: LogWriteErrorPolicy
    /// Permission bits of the routing log, its rotated files and `feedback.jsonl` beside it
    /// (`file_mode`, an octal string, default `"0600"`: they hold every prompt).
    public var fileMode: Int
    /// Finding types written as typed placeholders instead of their values in the messages and
    /// answers of the log (`redact`, default none: the log is training data).
    public var redact: Set<SensitiveType> = []
    /// Where records go (`sink`: `file`, the default, or `postgres`) and, for `postgres`, how.
    public var database = LogDatabaseConfig()

    /// Creates a log configuration.
    public init(
        path: String = "logs/routing.jsonl", maxBytes: Int? = nil, daily: Bool = false, keep: Int = 10,
        maxPendingBytes: Int = 64 * 1024 * 1024, onWriteError: LogWriteErrorPolicy = .failOpen, fileMode: Int = 0o600
    ) {
        self.onWriteError = onWriteError
        self.fileMode = fileMode
        self.path = path
        self.maxBytes = maxBytes
        self.daily = daily
        self.keep = keep
        self.maxPendingBytes = maxPendingBytes
    }
}

/// What Triage does while the routing log cannot be written (disk full, file-size limit, I/O error).
public enum LogWriteErrorPolicy: String, Sendable, Equatable, CaseIterable {
    /// Keep answering; every record not written is counted (`/metrics`, `/v1/triage/status`) and reported in the server log.
    case failOpen = "fail_open"
    /// Answer 503 (`routing_log_unavailable`, in the client's API shape) instead of any answer whose record could not be written.
    case failClosed = "fail_closed"
}

/// Where the routing log is written: the JSONL file, or a PostgreSQL database shared by replicas.
public enum LogSinkKind: String, Sendable, Equatable, CaseIterable {
    case file
    case postgres
}

/// The PostgreSQL sink's settings (`log: {sink: postgres, url_env: TRIAGE_DATABASE_URL, table:
/// triage_log, retention_days: 30, spool_max_bytes: 1073741824}`). The URL is read from the
/// environment variable `url_env` names, never from the file.
public struct LogDatabaseConfig: Sendable, Equatable {
    /// `sink`: `file` (default) or `postgres`.
    public var sink: LogSinkKind = .file
    /// `url_env`: the environment variable holding the `postgres://` URL (default `TRIAGE_DATABASE_URL`).
    public var urlEnv = "TRIAGE_DATABASE_URL"
    /// `table`: the log table; feedback and budgets go to `<table>_feedback` and `<table>_budget`.
    public var table = "triage_log"
    /// `retention_days`: day partitions older than this are dropped; `nil` keeps everything.
    public var retentionDays: Int?
    /// `spool_max_bytes`: the local spool (JSONL, `<path>.spool`) used while the database is
    /// down or slow; past it new requests wait (default 1 GiB).
    public var spoolMaxBytes = 1 << 30
    /// `write_timeout_ms`: a batch insert slower than this goes to the spool (default 2000).
    public var writeTimeoutMs = 2000

    public init() {}

    /// Whether `name` is a plain lower-case SQL identifier (letters, digits, `_`; at most 40).
    public static func isValidTable(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 40,
              ("a"..."z").contains(first) || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
