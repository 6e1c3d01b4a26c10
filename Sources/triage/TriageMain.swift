import NIOCore
import NIOPosix

/// The process entry point.
@main
enum TriageMain {
    static func main() async {
        // Run Swift concurrency's jobs on NIO's event loops, so a request stays on the loop thread
        // that read it instead of hopping to a dispatch thread and back. This must happen on the
        // main thread, before anything else runs (measured in bench/: see the README).
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await Triage.main()
    }
}
