import Glibc

/// Process-wide limits Triage adjusts at start-up.
enum ProcessLimits {
    /// The open-file limit before and after ``raiseOpenFiles()``.
    struct OpenFiles: Sendable, Equatable {
        var before: UInt
        var after: UInt
        var hard: UInt
    }

    /// Raises the soft `RLIMIT_NOFILE` to the hard limit. Under systemd the soft limit is 1024,
    /// so about a thousand idle clients would exhaust the descriptors and new ones be refused.
    static func raiseOpenFiles() -> OpenFiles? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        let before = UInt(limit.rlim_cur)
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 {
                limit = raised
            }
        }
        return OpenFiles(before: before, after: UInt(limit.rlim_cur), hard: UInt(limit.rlim_max))
    }

    /// A file-size limit (`RLIMIT_FSIZE`, `ulimit -f`) reached by the routing log must fail
    /// the write with `EFBIG` (counted and reported like a full disk), not kill the process
    /// with `SIGXFSZ`.
    static func ignoreFileSizeSignal() {
        signal(SIGXFSZ, SIG_IGN)
    }
}
