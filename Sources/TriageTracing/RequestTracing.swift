import Logging
import OTel
import ServiceLifecycle
import Tracing
import TriageConfig

/// Traces of proxied requests, built from routes.yaml's `telemetry` section: the tracer and
/// the background service that batches finished spans and POSTs them to the OTLP/HTTP collector.
///
/// When `telemetry` is absent there is no `RequestTracing` at all, so an untraced proxy pays
/// nothing: no tracer, no service, no task-local binding per request.
public struct RequestTracing: Sendable {
    let tracer: any Tracer
    /// Exports the spans; run it in the server's service group (stopped last: it flushes).
    public let service: any Service

    /// A tracer exporting to `config.tracesURL` as OTLP/HTTP protobuf, sampling new traces at
    /// `config.sampleRate` and following the client's `traceparent` decision when it sends one.
    /// The standard `OTEL_*` environment variables (e.g. `OTEL_EXPORTER_OTLP_HEADERS`,
    /// `OTEL_BSP_SCHEDULE_DELAY`) still apply on top, as swift-otel reads them.
    public init(_ config: TelemetryConfig, logger: Logger) throws {
        var configuration = OTel.Configuration.default
        configuration.serviceName = config.serviceName
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.diagnosticLogger = .custom(logger)
        configuration.diagnosticLogLevel = .warning
        configuration.propagators = [.traceContext]
        configuration.traces.otlpExporter.endpoint = config.tracesURL
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        // The parser keeps the rate in 0...1, so the sampler always exists.
        configuration.traces.sampler = .parentBasedTraceIDRatio(ratio: config.sampleRate) ?? .parentBasedAlwaysOn
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        self.init(tracer: backend.factory, service: backend.service)
    }

    /// Traces with any tracer (tests use swift-distributed-tracing's in-memory one).
    public init(tracer: any Tracer, service: any Service) {
        self.tracer = tracer
        self.service = service
    }

    /// Starts the server span of one proxied request, a child of the client's `traceparent`
    /// when `headers` (lowercased names) carry a valid one.
    public func start(endpoint: String, headers: [String: String]) -> RequestTrace {
        var context = InstrumentationContext.topLevel
        tracer.extract(headers, into: &context, using: HeaderExtractor())
        let span = tracer.startSpan("POST \(endpoint)", context: context, ofKind: .server)
        span.attributes["http.request.method"] = "POST"
        span.attributes["http.route"] = endpoint
        span.attributes["gen_ai.operation.name"] = TraceAttributes.operation(endpoint: endpoint)
        return RequestTrace(tracer: tracer, span: span, endpoint: endpoint)
    }

    /// Runs `operation` with a new request trace as ``RequestTrace/current``.
    public func trace<Result: Sendable>(
        endpoint: String, headers: [String: String], _ operation: () async -> Result
    ) async -> Result {
        await RequestTrace.$current.withValue(start(endpoint: endpoint, headers: headers)) {
            await operation()
        }
    }
}

/// Reads propagation headers from lowercased header names.
struct HeaderExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key.lowercased()]
    }
}

/// Writes propagation headers as outbound request headers.
struct HeaderInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [(name: String, value: String)]) {
        carrier.append((key, value))
    }
}
