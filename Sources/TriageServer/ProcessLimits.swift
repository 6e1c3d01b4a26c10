import Glibc

/// Process-wide limits Triage adjusts at start-up.
enum ProcessLimits {
    /// A file-size limit (`RLIMIT_FSIZE`, `ulimit -f`) reached by the routing log must fail
    /// the write with `EFBIG` (counted and reported like a full disk), not kill the process
    /// with `SIGXFSZ`.
    static func ignoreFileSizeSignal() {
        signal(SIGXFSZ, SIG_IGN)
    }
}
