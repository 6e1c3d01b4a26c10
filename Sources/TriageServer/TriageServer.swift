import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import TriageConfig
import TriageFlywheel
import TriageLog
import TriageMetrics
import TriageUpstream

/// The Triage proxy: an OpenAI-compatible HTTP API that routes each request to a backend
/// by the rules of routes.yaml and logs every request/response pair.
///
/// ```swift
/// let server = try TriageServer(config: try ConfigLoader.load(path: "routes.yaml"), logger: logger)
/// try await server.run()
/// ```
public struct TriageServer: Sendable {
    private let routes: RoutesStore
    private let client: UpstreamClient
    private let log: RoutingLogWriter
    private let health: BackendHealth
    private let metrics: ProxyMetrics
    private let reloader: ConfigReloader?
    private let logger: Logger
    private let host: String
    private let port: Int
    private let shutdownGrace: Double
    private let onWriteError: LogWriteErrorPolicy
    private let fileMode: mode_t
    private let timeouts: ConnectionTimeouts

    /// Prepares the server: opens the routing log and the upstream client.
    ///
    /// - Parameters:
    ///   - config: A validated configuration (command-line overrides applied).
    ///   - fileConfig: The configuration exactly as read from `config.sourcePath`; when given,
    ///     that file is watched and reloaded on change and on SIGHUP.
    ///   - environment: Where backend API keys and client keys are read from.
    ///   - logger: The server's own log (not the routing log).
    public init(
        config: RoutesConfig,
        watching fileConfig: RoutesConfig? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger
    ) throws {
        let logger = logger
        let routes = RoutesStore(try ActiveRoutes(config: config, environment: environment))
        self.routes = routes
        let rotation: LogRotationPolicy? = config.log.maxBytes != nil || config.log.daily
            ? LogRotationPolicy(maxBytes: config.log.maxBytes, daily: config.log.daily, keep: config.log.keep)
            : nil
        // A file-size limit reached by the routing log must fail the write (counted, reported), not kill the process.
        ProcessLimits.ignoreFileSizeSignal()
        let fileMode = mode_t(config.log.fileMode)
        self.fileMode = fileMode
        self.onWriteError = config.log.onWriteError
        self.log = try RoutingLogWriter(
            path: config.log.path, rotation: rotation, maxPendingBytes: config.log.maxPendingBytes, fileMode: fileMode
        ) { message in
            logger.error("\(message)")
        }
        let limits = config.limits
        self.timeouts = ConnectionTimeouts(
            idleSeconds: limits.idleTimeout, headerSeconds: limits.headerTimeout, bodySeconds: limits.bodyTimeout)
        self.client = UpstreamClient()
        self.health = BackendHealth()
        let metrics = ProxyMetrics()
        self.metrics = metrics
        self.reloader = fileConfig.map {
            ConfigReloader(path: config.sourcePath, fileConfig: $0, routes: routes, logger: logger, metrics: metrics)
        }
        self.logger = logger
        self.host = config.listen.host
        self.port = config.listen.port
        self.shutdownGrace = config.shutdown.graceSeconds
    }

    /// Runs until SIGTERM or SIGINT, then stops accepting, lets requests in flight finish
    /// (up to `shutdown.grace_seconds`), flushes the routing log and returns.
    ///
    /// - Parameter onListening: Called with the bound host and port once the server accepts connections.
    public func run(onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }) async throws {
        let router = Router()
        router.add(middleware: OpenAIErrorMiddleware())
        let recent = RecentRequestIDs()
        let recorder = RequestRecorder(log: log, metrics: metrics, recent: recent, onWriteError: onWriteError)
        let feedbackStore = try FeedbackStore(path: FeedbackStore.path(besideLog: log.path), mode: fileMode)
        let feedback = FeedbackHandler(store: feedbackStore, recent: recent, logPath: log.path)
        router.post("/v1/feedback") { request, _ in
            await feedback.handle(request)
        }
        router.add(middleware: ClientAuthMiddleware(routes: routes, recorder: recorder))
        let proxy = ProxyHandler(routes: routes, client: client, recorder: recorder, health: health, logger: logger)
        router.post("/v1/chat/completions") { request, _ in
            await proxy.handle(request, api: .openAIChat)
        }
        router.post("/v1/messages") { request, _ in
            await proxy.handle(request, api: .anthropicMessages)
        }
        router.post("/v1/completions") { request, _ in
            await proxy.handle(request, api: .openAICompletions)
        }
        let routes = self.routes
        router.get("/v1/models") { _, _ in
            Self.modelsResponse(routes.snapshot.config.models)
        }
        router.get("/healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}"))
            )
        }
        let health = self.health
        let reloader = self.reloader
        let log = self.log
        let onWriteError = self.onWriteError
        router.get("/v1/triage/status") { _, _ in
            Self.statusResponse(routes.snapshot, health: health, reloader: reloader, log: log, onWriteError: onWriteError)
        }
        let metrics = self.metrics
        router.get("/metrics") { _, _ in
            Self.metricsResponse(metrics, routes: routes.snapshot, health: health, log: log)
        }
        let host = self.host
        if let files = ProcessLimits.raiseOpenFiles() {
            logger.notice("open-file limit (RLIMIT_NOFILE)", metadata: [
                "soft_before": .stringConvertible(files.before), "soft": .stringConvertible(files.after),
                "hard": .stringConvertible(files.hard),
            ])
        }
        let timeouts = self.timeouts
        let app = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                TimedHTTP1Channel(inner: HTTP1Channel(responder: responder), timeouts: timeouts)
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "triage"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                onListening(host, port)
            },
            logger: logger
        )
        defer {
            // Records still waiting for a shadow copy are written without it rather than lost.
            for record in recorder.heldBack.drain() {
                var record = record
                record.shadow = RoutingLogRecord.Shadow(
                    backend: "unfinished", status: nil, response: nil,
                    error: "shadow copy unfinished at shutdown", latencyMs: 0, agreement: nil, costUSD: nil
                )
                recorder.recordInBackground(record)
            }
            client.shutdown()
            log.close()
        }
        var services: [any Service] = [app]
        if let reloader { services.append(reloader) }
        var configuration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = .milliseconds(Int64(shutdownGrace * 1000))
        try await ServiceGroup(configuration: configuration).run()
    }

    static func modelsResponse(_ models: [String]) -> Response {
        let data = models.map { model -> JSONField in
            .object(["id": .string(model), "object": .string("model"), "created": .int(0), "owned_by": .string("triage")])
        }
        let body = JSONField.object(["object": .string("list"), "data": .array(data)]).encoded
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
