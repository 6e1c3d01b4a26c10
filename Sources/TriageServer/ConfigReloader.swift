import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TriageConfig
import TriageMetrics
import UnixSignals

/// Watches routes.yaml and reloads it on change or on SIGHUP.
///
/// The file is re-read every `pollInterval` (it is small) and compared with the last version
/// seen, so every kind of edit is noticed — in place, by rename, within the same second. A
/// valid new version is put in force for requests that start from then on; requests in
/// flight finish on the configuration they started with. An invalid version is rejected with
/// its file:line messages in the server log, and the configuration in force stays.
final class ConfigReloader: Service, Sendable {
    /// What the reloader has done, for `/v1/triage/status`.
    struct Status: Sendable {
        var reloads = 0
        var rejected = 0
        var lastError: String?
        var loadedAt = Date()
    }

    private let path: String
    private let routes: RoutesStore
    private let environment: @Sendable () -> [String: String]
    private let logger: Logger
    private let pollInterval: Duration
    private let metrics: ProxyMetrics?
    private let state: Mutex<Status>
    private let lastContents: Mutex<Data?>
    /// The configuration as last read from the file (before command-line overrides).
    private let fileConfig: Mutex<RoutesConfig>

    init(path: String, fileConfig: RoutesConfig, routes: RoutesStore, logger: Logger, metrics: ProxyMetrics? = nil,
         pollInterval: Duration = .milliseconds(200),
         environment: @escaping @Sendable () -> [String: String] = { ProcessInfo.processInfo.environment }) {
        self.path = path
        self.routes = routes
        self.environment = environment
        self.logger = logger
        self.pollInterval = pollInterval
        self.metrics = metrics
        self.state = Mutex(Status())
        self.lastContents = Mutex(FileManager.default.contents(atPath: path))
        self.fileConfig = Mutex(fileConfig)
    }

    var status: Status { state.withLock { $0 } }

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        // Nothing in here throws: on graceful shutdown both loops end normally, so the service
        // group never sees this service fail (a thrown CancellationError would make `serve` exit 1).
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in hangups {
                        self.logger.info("SIGHUP received: reloading", metadata: ["config": .string(self.path)])
                        self.reload(force: true)
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.pollInterval)
                        if Task.isCancelled { break }
                        self.reload(force: false)
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// Reloads if the file changed (or always, when `force`). Returns whether a new configuration went into force.
    @discardableResult
    func reload(force: Bool) -> Bool {
        guard let contents = FileManager.default.contents(atPath: path) else {
            if force { logger.error("cannot read the configuration; keeping the one in force", metadata: ["config": .string(path)]) }
            return false
        }
        let changed = lastContents.withLock { last -> Bool in
            defer { last = contents }
            return last != contents
        }
        guard changed || force else { return false }
        let text = String(decoding: contents, as: UTF8.self)
        let config: RoutesConfig
        do {
            config = try ConfigLoader.parse(yaml: text, sourceName: path)
        } catch {
            state.withLock {
                $0.rejected += 1
                $0.lastError = error.description
            }
            metrics?.recordConfigReload(success: false)
            logger.error("configuration rejected; keeping the one in force\n\(error.description)", metadata: ["config": .string(path)])
            return false
        }
        let previousFile = fileConfig.withLock { previous in
            defer { previous = config }
            return previous
        }
        if config.listen != previousFile.listen {
            logger.warning("listen changed in \(path); it takes effect at the next restart")
        }
        if config.log != previousFile.log {
            logger.warning("log.path changed in \(path); it takes effect at the next restart")
        }
        if config.telemetry != previousFile.telemetry {
            logger.warning("telemetry changed in \(path); it takes effect at the next restart")
        }
        let previous = routes.snapshot.config
        var applied = config
        applied.listen = previous.listen
        applied.log = previous.log
        let active: ActiveRoutes
        do {
            active = try ActiveRoutes(config: applied, environment: environment())
        } catch {
            state.withLock {
                $0.rejected += 1
                $0.lastError = error.description
            }
            metrics?.recordConfigReload(success: false)
            logger.error("configuration rejected; keeping the one in force\n\(path): \(error.description)", metadata: ["config": .string(path)])
            return false
        }
        routes.replace(with: active)
        state.withLock {
            $0.reloads += 1
            $0.lastError = nil
            $0.loadedAt = Date()
        }
        metrics?.recordConfigReload(success: true)
        logger.info("configuration reloaded", metadata: [
            "config": .string(path),
            "backends": .string(config.backends.map(\.name).joined(separator: ",")),
            "rules": .stringConvertible(config.rules.count),
        ])
        return true
    }
}
