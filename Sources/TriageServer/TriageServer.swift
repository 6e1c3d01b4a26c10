import Foundation
import Hummingbird
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
        self.log = try RoutingLogWriter(path: config.log.path, rotation: rotation, maxPendingBytes: config.log.maxPendingBytes) { message in
            logger.error("\(message)")
        }
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
        let router = Router(context: TriageRequestContext.self)
        router.add(middleware: OpenAIErrorMiddleware())
        let recent = RecentRequestIDs()
        let recorder = RequestRecorder(log: log, metrics: metrics, recent: recent)
        let feedbackStore = try FeedbackStore(path: FeedbackStore.path(besideLog: log.path))
        let feedback = FeedbackHandler(store: feedbackStore, recent: recent, logPath: log.path)
        router.post("/v1/feedback") { request, _ in
            await feedback.handle(request)
        }
        router.add(middleware: ClientAuthMiddleware(routes: routes, recorder: recorder))
        let cutoff = ShutdownCutoff(graceSeconds: shutdownGrace)
        let connections = ClientConnections()
        let proxy = ProxyHandler(routes: routes, client: client, recorder: recorder, health: health, logger: logger, shutdown: cutoff)
        router.post("/v1/chat/completions") { request, context in
            await proxy.handle(request, api: .openAIChat, hangUp: connections.hangUp(of: context.channel))
        }
        router.post("/v1/messages") { request, context in
            await proxy.handle(request, api: .anthropicMessages, hangUp: connections.hangUp(of: context.channel))
        }
        router.post("/v1/completions") { request, context in
            await proxy.handle(request, api: .openAICompletions, hangUp: connections.hangUp(of: context.channel))
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
        router.get("/v1/triage/status") { _, _ in
            Self.statusResponse(routes.snapshot, health: health, reloader: reloader)
        }
        let metrics = self.metrics
        let log = self.log
        router.get("/metrics") { _, _ in
            Self.metricsResponse(metrics, routes: routes.snapshot, health: health, log: log)
        }
        let host = self.host
        let app = Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [connections.makeHandler()])),
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
                recorder.record(record)
            }
            client.shutdown()
            log.close()
        }
        // The cut-off timer comes first: the group stops services in reverse order, so it outlives
        // the proxy's graceful shutdown, which it is there to bound.
        var services: [any Service] = [
            StreamCutoffService(cutoff: cutoff, delay: StreamCutoffService.delay(graceSeconds: shutdownGrace)),
            ProxyService(app: app, cutoff: cutoff),
        ]
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

    /// The Prometheus exposition; gauges of state (breakers, in-flight, log queue) are read at scrape time.
    static func metricsResponse(_ metrics: ProxyMetrics, routes: ActiveRoutes, health: BackendHealth, log: RoutingLogWriter) -> Response {
        for backend in routes.config.backends {
            let status = health.status(of: backend.name)
            let state: ProxyMetrics.BreakerStateValue
            switch status.breaker {
            case .closed: state = .closed
            case .open: state = .open
            case .halfOpen: state = .halfOpen
            }
            metrics.setBreakerState(backend: backend.name, state: state)
            metrics.setInFlight(backend: backend.name, count: status.inFlight)
        }
        metrics.setLogQueueDepth(log.pendingCount)
        return Response(
            status: .ok,
            headers: [.contentType: ProxyMetrics.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render()))
        )
    }

    static func statusResponse(_ active: ActiveRoutes, health: BackendHealth, reloader: ConfigReloader?) -> Response {
        let backends = active.config.backends.map { backend -> JSONField in
            let status = health.status(of: backend.name)
            var fields: [String: JSONField] = [
                "name": .string(backend.name),
                "model": .string(backend.model),
                "breaker": .string(status.breaker.rawValue),
                "consecutive_failures": .int(status.consecutiveFailures),
                "in_flight": .int(status.inFlight),
                "times_opened": .int(status.timesOpened),
                "requests": .int(status.requests),
                "failures": .int(status.failures),
            ]
            fields["fallback"] = backend.fallback.map(JSONField.string) ?? .null
            fields["retry_in_s"] = status.retryAfter.map(JSONField.double) ?? .null
            return .object(fields)
        }
        var config: [String: JSONField] = [
            "path": .string(active.config.sourcePath),
            "rules": .int(active.config.rules.count),
            "watched": .bool(reloader != nil),
        ]
        if let status = reloader?.status {
            config["reloads"] = .int(status.reloads)
            config["rejected"] = .int(status.rejected)
            config["last_error"] = status.lastError.map(JSONField.string) ?? .null
            config["loaded_at"] = .string(RoutingLogRecord.timestamp(status.loadedAt))
        }
        let body = JSONField.object(["config": .object(config), "backends": .array(backends)]).encoded
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
