import Glibc
import Testing

@testable import TriageUpstream

/// The eventfd that wakes the upstream client's loop from `curl_multi_poll`.
@Suite struct WakeSignalTests {
    @Test func aSignalMakesThePollReturnUntilDrained() throws {
        let signal = WakeSignal()
        #expect(signal.fd >= 0)
        #expect(!Self.isReadable(signal.fd))
        signal.signal()
        signal.signal()  // several wake-ups before the loop looks: one drain clears them all
        #expect(Self.isReadable(signal.fd))
        signal.drain()
        #expect(!Self.isReadable(signal.fd))
        signal.drain()  // nothing to read: returns at once (non-blocking)
    }

    /// Whether a zero-timeout poll finds `fd` readable.
    private static func isReadable(_ fd: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 1 && entry.revents & Int16(POLLIN) != 0
    }
}
