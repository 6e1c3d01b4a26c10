/// OpenTelemetry traces (`telemetry: {otlp_endpoint, sample_rate, service_name}`); off when absent.
public struct TelemetryConfig: Sendable, Equatable {
    /// The OTLP/HTTP collector, e.g. `http://127.0.0.1:4318` (`/v1/traces` is added unless the
    /// path already names it). Spans are sent as protobuf.
    public var otlpEndpoint: String
    /// The share of new traces that are recorded, 0...1 (`sample_rate`, default 1). A client's
    /// `traceparent` decides for its own requests: sampled parents are always recorded.
    public var sampleRate: Double
    /// The `service.name` resource attribute of every span (`service_name`, default `triage`).
    public var serviceName: String

    /// Creates a telemetry configuration.
    public init(otlpEndpoint: String, sampleRate: Double = 1, serviceName: String = "triage") {
        self.otlpEndpoint = otlpEndpoint
        self.sampleRate = sampleRate
        self.serviceName = serviceName
    }

    /// The URL spans are POSTed to: the endpoint, with `/v1/traces` added unless it ends with it.
    public var tracesURL: String {
        var base = otlpEndpoint
        while base.hasSuffix("/") { base.removeLast() }
        return base.hasSuffix("/v1/traces") ? base : base + "/v1/traces"
    }
}
