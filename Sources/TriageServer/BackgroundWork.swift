import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Start-up work that reads the whole routing log (the feedback id index, the dashboard's
/// memory of the last days): on a thread of its own at a lower CPU priority, so that on a small
/// machine a large log never competes with the requests being served.
enum BackgroundWork {
    /// The niceness of these threads (the serving threads keep the process's own, usually 0).
    static let niceness: Int32 = 10

    /// Runs `work` on a new thread named `name`, at ``niceness``.
    static func start(name: String, _ work: @escaping @Sendable () -> Void) {
        let thread = Thread {
            lowerPriority()
            work()
        }
        thread.name = name
        thread.start()
    }

    /// Lowers the calling thread's priority (on Linux, niceness is per thread; the thread id is
    /// read from `/proc/thread-self`, a link to `PID/task/TID`, since Glibc's `gettid` is not
    /// imported into Swift). Does nothing where that cannot be read.
    static func lowerPriority() {
        #if os(Linux)
        guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self"),
              let last = link.split(separator: "/").last, let tid = id_t(last) else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid, niceness)
        #endif
    }
}
