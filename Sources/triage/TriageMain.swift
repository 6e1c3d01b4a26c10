import ArgumentParser

/// The process entry point.
@main
enum TriageMain {
    static func main() async {
        // Note: installing NIO's event loops as Swift concurrency's global executor
        // (NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor)
        // was measured with bench/cpu_per_request.py and cost more CPU per request (250 vs 235 µs
        // non-streaming, 445 vs 355 µs streaming), so the default executor is kept.
        await Triage.main()
    }
}
