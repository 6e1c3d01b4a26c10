import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import TriageConfig
import TriageFlywheel
import TriageJSON
import TriageLog
import TriageMetrics
import TriageTracing
import TriagePostgres
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
    private let log: any RoutingLogSink
    /// The shared database, when `log.sink` is `postgres`.
    private let database: ReplicaDatabase?
    private let logPath: String
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
    private let tracing: RequestTracing?

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
        // A file-size limit reached by the routing log must fail the write (counted, reported), not kill the process.
        ProcessLimits.ignoreFileSizeSignal()
        let fileMode = mode_t(config.log.fileMode)
        self.fileMode = fileMode
        self.onWriteError = config.log.onWriteError
        self.logPath = config.log.path
        (self.log, self.database) = try LogSinkSetup.make(config: config.log, fileMode: fileMode, environment: environment, logger: logger)
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
        self.tracing = try config.telemetry.map { try RequestTracing($0, logger: logger) }
    }

    /// Runs until SIGTERM or SIGINT, then stops accepting, lets requests in flight finish
    /// (up to `shutdown.grace_seconds`), flushes the routing log and returns.
    ///
    /// - Parameter onListening: Called with the bound host and port once the server accepts connections.
    /// - Throws: ``ListenError`` when the address cannot be listened on (in use, not permitted).
    public func run(onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }) async throws {
        let parts = try assemble()
        let recorder = parts.recorder
        let front = parts.front
        let host = self.host
        if let files = ProcessLimits.raiseOpenFiles() {
            logger.notice("open-file limit (RLIMIT_NOFILE)", metadata: [
                "soft_before": .stringConvertible(files.before), "soft": .stringConvertible(files.after),
                "hard": .stringConvertible(files.hard),
            ])
        }
        let timeouts = self.timeouts
        let app = Application(
            responder: RequestTaskResponder(inner: parts.router.buildResponder()),
            server: HTTPServerBuilder { responder in
                // The proxy routes are served by the front's handlers, ahead of Hummingbird.
                TimedHTTP1Channel(inner: HTTP1Channel(responder: responder), timeouts: timeouts) { front.makeHandlers() }
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "triage"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                onListening(host, port)
            },
            logger: logger
        )
        defer { close(recorder: recorder) }
        // The cut-off timer comes first: the group stops services in reverse order, so it outlives
        // the proxy's graceful shutdown, which it is there to bound.
        // The span exporter comes first of all, so it stops last and flushes every request's spans.
        var services: [any Service] = tracing.map { [$0.service] } ?? []
        services += [
            StreamCutoffService(cutoff: parts.cutoff, delay: StreamCutoffService.delay(graceSeconds: shutdownGrace)),
            ProxyService(app: app, cutoff: parts.cutoff),
        ]
        if let reloader { services.append(reloader) }
        var configuration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = .milliseconds(Int64(shutdownGrace * 1000))
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            throw ListenError.from(error, host: host, port: port) ?? error
        }
    }

    /// The router with every route, and the recorder its handlers write log records through.
    func assemble() throws -> (
        router: Router<TriageRequestContext>, recorder: RequestRecorder, cutoff: ShutdownCutoff, front: ConnectionFront
    ) {
        let known = KnownRequestIDs()
        let logger = self.logger
        if database != nil {
            known.markLoaded()  // ids of other replicas are looked up in the database
        } else {
            known.startLoading(logPath: logPath) { ids, bytes, millis in
                logger.info("routing log indexed for feedback", metadata: [
                    "ids": .stringConvertible(ids), "bytes": .stringConvertible(bytes), "ms": .stringConvertible(Int(millis.rounded())),
                ])
            }
        }
        // The dashboard's memory of the last days, filled from the log in the background.
        let store = routes.snapshot.config.ui.enabled && database == nil ? ReportStore(logPath: logPath) : nil
        let recent = RecentRequests(logPath: logPath, awaitingSeed: store != nil)
        if let store {
            BackgroundWork.start(name: "triage-dashboard-seed") {
                let start = Date()
                let held = store.seed(recent: recent)
                logger.info("dashboard report store read from the log", metadata: [
                    "records": .stringConvertible(held), "ms": .stringConvertible(Int(Date().timeIntervalSince(start) * 1000)),
                ])
            }
        }
        let recorder = RequestRecorder(
            log: log, metrics: metrics, known: known, onWriteError: onWriteError, recent: recent, store: store, database: database
        )
        let feedbackStore = try FeedbackStore(path: FeedbackStore.path(besideLog: logPath), mode: fileMode)
        let feedback = FeedbackHandler(store: feedbackStore, known: known, routes: routes, database: database, heldBack: recorder.heldBack)
        let cutoff = ShutdownCutoff(graceSeconds: shutdownGrace)
        let connections = ClientConnections()
        let proxy = ProxyHandler(
            routes: routes, client: client, recorder: recorder, health: health, logger: logger, shutdown: cutoff, tracing: tracing)
        let router = makeRouter(recorder: recorder, feedback: feedback, proxy: proxy, connections: connections)
        let front = ConnectionFront(connections: connections, service: ProxyFrontService(proxy: proxy, routes: routes, recorder: recorder))
        return (router, recorder, cutoff, front)
    }

    /// Writes the records still held back, stops the upstream client and flushes the routing log.
    func close(recorder: RequestRecorder) {
        recorder.drainHeldBack(active: routes.snapshot)
        client.shutdown()
        log.close()
    }

    /// Every route of the API. The middleware is added first, so every route goes through the
    /// same chain: closing connections whose answer says so, OpenAI-shaped errors, the
    /// header-size limit and the client-key check (which only `/healthz` skips), then
    /// `Expect: 100-continue`. Routes added before a middleware would silently skip it.
    func makeRouter(
        recorder: RequestRecorder, feedback: FeedbackHandler, proxy: ProxyHandler, connections: ClientConnections
    ) -> Router<TriageRequestContext> {
        let router = Router(context: TriageRequestContext.self)
        router.add(middleware: CloseAfterResponseMiddleware())
        router.add(middleware: OpenAIErrorMiddleware())
        router.add(middleware: ClientAuthMiddleware(routes: routes, recorder: recorder))
        router.add(middleware: ExpectContinueMiddleware(routes: routes, recorder: recorder))
        router.post("/v1/feedback") { request, context in
            await feedback.handle(request, context: context)
        }
        // (`POST` on these is answered by the ProxyFront before Hummingbird; the routes stay for
        // the router's tests and its list of routes.)
        router.post("/v1/chat/completions") { request, context in
            await proxy.handle(request, api: .openAIChat, hangUp: connections.hangUp(of: context.channel))
        }
        router.post("/v1/messages") { request, context in
            await proxy.handle(request, api: .anthropicMessages, hangUp: connections.hangUp(of: context.channel))
        }
        router.post("/v1/completions") { request, context in
            await proxy.handle(request, api: .openAICompletions, hangUp: connections.hangUp(of: context.channel))
        }
        router.post("/v1/responses") { request, context in
            await proxy.handle(request, api: .openAIResponses, hangUp: connections.hangUp(of: context.channel))
        }
        router.post("/v1/embeddings") { request, context in
            await proxy.handle(request, api: .openAIEmbeddings, hangUp: connections.hangUp(of: context.channel))
        }
        let routes = self.routes
        router.get("/v1/models") { _, _ in
            Self.modelsResponse(routes.snapshot.config.models)
        }
        router.get("/healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.healthBody))
            )
        }
        let health = self.health
        let reloader = self.reloader
        let log = self.log
        let onWriteError = self.onWriteError
        let logPath = self.logPath
        router.get("/v1/triage/status") { _, _ in
            Self.statusResponse(routes.snapshot, health: health, reloader: reloader, log: log, logPath: logPath, onWriteError: onWriteError)
        }
        let metrics = self.metrics
        router.get("/metrics") { _, _ in
            Self.metricsResponse(metrics, routes: routes.snapshot, health: health, log: log)
        }
        Self.addDashboardRoutes(to: router, routes: routes, recent: recorder.recent, store: recorder.store,
                               database: database?.store, logPath: logPath)
        return router
    }

    /// `/healthz`'s answer, written once (load balancers probe it often).
    static let healthBody = JSONValue.object(["status": .string("ok")]).jsonBytes

    static func modelsResponse(_ models: [String]) -> Response {
        let data = models.map { model -> JSONValue in
            .object(["id": .string(model), "object": .string("model"), "created": .int(0), "owned_by": .string("triage")])
        }
        let body = JSONValue.object(["object": .string("list"), "data": .array(data)]).jsonBytes
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
