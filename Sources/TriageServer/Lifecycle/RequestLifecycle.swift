import Foundation
import Logging
import TriageConfig
import TriageFlywheel
import TriageLog
import TriageRouting
import TriageTracing
import TriageUpstream

/// The life of one proxied request, without HTTP: read top to bottom, ``run(_:headers:watch:readBody:)``
/// is **intake** (parse, privacy scan, limits: ``RequestIntake``) → **decision** (`Router.route`
/// in `TriageRouting`, then the privacy guard's keep-local choice) → **attempts** (breakers,
/// `max_concurrent`, retries and fallbacks: ``attempts(_:first:active:record:started:watch:)``,
/// one ``attempt(_:backend:active:clientHeaders:deadline:cancellation:)`` each) → **relay** (a
/// whole answer, or a ``StreamedAnswer``) → **outcome** (one immutable ``RequestOutcome``, written, or
/// handed to a ``startShadow(_:chat:answeredBy:active:clientHeaders:)`` copy; the log's writer
/// thread renders it into the ``RoutingLogRecord`` and counts its metrics).
///
/// Upstreams are reached through ``UpstreamTransport`` only, so the whole path runs in unit
/// tests with an in-memory transport. ``ProxyHandler`` is the HTTP adapter around it.
struct RequestLifecycle: Sendable {
    let routes: RoutesStore
    let transport: any UpstreamTransport
    let recorder: RequestRecorder
    let health: BackendHealth
    let logger: Logger
    /// Ends streams still open when the shutdown grace period runs out.
    let shutdown: ShutdownCutoff
    /// Backends that refused `stream_options` (not asked again).
    let streamOptions = StreamOptionsSupport()
    /// OpenTelemetry traces (`telemetry` in routes.yaml); nil when off.
    var tracing: RequestTracing? = nil

    /// Largest non-streamed answer the proxy will hold to relay.
    static let maxResponseBytes = 64 * 1024 * 1024
    /// Largest upstream error body the proxy reads to quote in its own error.
    static let maxErrorBodyBytes = 64 * 1024

    /// What the client gets back.
    enum Reply: Sendable {
        /// A whole answer, its record already written.
        case answer(status: Int, contentType: String, body: [UInt8], tags: ReplyTags)
        /// A streamed answer: its head now, its body (and record) from ``StreamedAnswer/relay(emit:)``.
        case stream(StreamedAnswer)
        /// An error in the client API's own shape, its record already written.
        case error(APIError, tags: ReplyTags)
    }

    /// Runs one request: `readBody` gets the body (given `limits.max_body_bytes`), `headers` are
    /// the client's by lowercased name, and `watch` aborts the upstream transfers when the client goes.
    func run(
        _ api: ClientAPI, headers: [String: String], watch: ClientWatch,
        readBody: (_ limit: Int) async throws -> [UInt8]
    ) async -> Reply {
        let started = ContinuousClock.now
        // Back-pressure from the routing log: while the writer is behind by more than
        // `log.max_pending_bytes`, new requests wait here rather than grow memory or lose lines.
        await recorder.log.waitForRoom()
        let active = routes.snapshot
        // The facts of the outcome; the timestamp and latencies are rendered from `started` on the writer thread.
        var record = RoutingLogRecord(id: RequestID.make(), timestamp: "", endpoint: api.endpoint, reason: "", status: 0, latencyMs: 0)
        do {
            let bytes = try await readBody(active.config.limits.maxBodyBytes)
            let intake = try RequestIntake(api, bytes: bytes, headers: headers, active: active, record: &record)
            let chosen = try decide(intake, active: active, record: &record)
            return try await attempts(intake, first: chosen, active: active, record: &record, started: started, watch: watch)
        } catch {
            watch.end()
            return await reject(error, record: record, active: active, started: started)
        }
    }

    /// The decision: the rules and the classifier (`Router` in TriageRouting), then the privacy
    /// guard, which may keep a sensitive request on a local backend.
    func decide(_ intake: RequestIntake, active: ActiveRoutes, record: inout RoutingLogRecord) throws(APIError) -> BackendConfig {
        let chat = intake.chat
        let routed = active.router.route(RoutingInput(
            model: chat.model,
            headers: intake.headers,
            lastUserMessage: chat.lastUserMessage,
            estimatedPromptTokens: TokenEstimator.estimate(messages: chat.messageTexts),
            sensitiveTypes: Set(chat.privacy?.relevant.map(\.type) ?? [])
        ), auto: active.autoRouting, messageCount: chat.messageTexts.count)
        record.rule = routed.rule
        record.reason = routed.reason
        if let scores = routed.scores {
            record.scores = scores
            recorder.metrics.recordClassifierScores(complexity: scores.complexity, fit: scores.fit ?? 1)
        }
        let chosen = try Self.keepPrivate(routed.backend, chat: chat, active: active, record: &record)
        if let shadow = active.shadow, !Self.privacyAllows(chat, backend: shadow.backend, active: active) { record.privacy?.shadowSkipped = true }
        record.backend = chosen.name
        record.upstreamModel = chosen.model
        return chosen
    }

    /// The outcome of a request that ends in an error: the record (status, error, latency)
    /// written, and the error in the client's API. No configured secret passes.
    func reject(_ error: any Error, record initial: RoutingLogRecord, active: ActiveRoutes, started: ContinuousClock.Instant) async -> Reply {
        var record = initial
        var apiError = (error as? APIError) ?? APIError(
            status: .internalServerError, message: "Internal error in Triage: \(error)",
            type: "server_error", code: .internalError
        )
        // The last stop before the client, the routing log and stderr: no configured secret passes.
        apiError.message = active.redactor.redact(apiError.message)
        record.status = Int(apiError.status.code)
        record.error = apiError.message
        if record.reason.isEmpty { record.reason = "rejected: \(apiError.code?.rawValue ?? apiError.type)" }
        guard await recorder.record(RequestOutcome(facts: record, started: started, active: active)) else {
            return .error(.routingLogUnavailable, tags: ReplyTags(record))
        }
        if apiError.status.code >= 500 {
            logger.warning("request failed", metadata: ["id": .string(record.id), "status": .stringConvertible(apiError.status.code), "error": .string(apiError.message)])
        }
        // Errors after routing still say where the request was sent (and by which rule).
        return .error(apiError, tags: ReplyTags(record))
    }

    func logBreaker(_ backend: BackendConfig, _ state: BackendHealth.BreakerState) {
        switch state {
        case .open:
            logger.warning("circuit breaker opened", metadata: [
                "backend": .string(backend.name),
                "failures": .stringConvertible(backend.breaker.failures),
                "cooldown_s": .stringConvertible(backend.breaker.cooldown),
            ])
        case .closed:
            logger.notice("circuit breaker closed", metadata: ["backend": .string(backend.name)])
        case .halfOpen:
            break
        }
    }
}
