import Foundation
import Testing
@testable import TriageServer
#if canImport(Glibc)
import Glibc
#endif

@Suite("Background start-up work runs at a lower CPU priority")
struct BackgroundWorkTests {
    @Test("the thread's own niceness is raised to 10; the caller's is untouched")
    func lowerPriority() async {
        #if os(Linux)
        let before = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let niceness: Int32 = await withCheckedContinuation { continuation in
            BackgroundWork.start(name: "triage-test-background") {
                // 0 = the calling thread on Linux.
                continuation.resume(returning: getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
            }
        }
        #expect(niceness == max(before, BackgroundWork.niceness))
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == before)
        #endif
    }
}
