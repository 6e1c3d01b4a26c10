import Foundation
import Hummingbird
import Logging
import NIOCore
import TriageConfig
import TriageLog
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
    private let logger: Logger
    private let host: String
    private let port: Int

    /// Prepares the server: opens the routing log and the upstream client.
    ///
    /// - Parameters:
    ///   - config: A validated configuration.
    ///   - environment: Where backend API keys are read from (the variables `api_key_env` names).
    ///   - logger: The server's own log (not the routing log).
    public init(
        config: RoutesConfig,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger
    ) throws(RoutingLogError) {
        let logger = logger
        self.routes = RoutesStore(ActiveRoutes(config: config, environment: environment))
        self.log = try RoutingLogWriter(path: config.log.path) { message in
            logger.error("\(message)")
        }
        self.client = UpstreamClient()
        self.logger = logger
        self.host = config.listen.host
        self.port = config.listen.port
    }

    /// Runs until SIGTERM or SIGINT, then stops accepting, flushes the routing log and returns.
    ///
    /// - Parameter onListening: Called with the bound host and port once the server accepts connections.
    public func run(onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }) async throws {
        let router = Router()
        router.add(middleware: OpenAIErrorMiddleware())
        let chat = ChatCompletionsHandler(routes: routes, client: client, log: log, logger: logger)
        router.post("/v1/chat/completions") { request, _ in
            await chat.handle(request)
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
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "triage"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                onListening(self.host, port)
            },
            logger: logger
        )
        defer {
            client.shutdown()
            log.close()
        }
        try await app.runService()
    }

    static func modelsResponse(_ models: [String]) -> Response {
        let data = models.map { model -> JSONField in
            .object(["id": .string(model), "object": .string("model"), "created": .int(0), "owned_by": .string("triage")])
        }
        let body = JSONField.object(["object": .string("list"), "data": .array(data)]).encoded
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
