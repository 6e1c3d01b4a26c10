import Testing
import TriageConfig

@Suite("telemetry: OTLP/HTTP traces, off by default")
struct TelemetryConfigTests {
    @Test("absent means off; a bare endpoint gets /v1/traces, sample rate 1 and service name triage")
    func defaults() throws {
        #expect(try ConfigLoader.parse(yaml: twoBackends, sourceName: "good.yaml").telemetry == nil)
        let config = try ConfigLoader.parse(yaml: twoBackends + "telemetry: {otlp_endpoint: http://127.0.0.1:4318/}\n", sourceName: "good.yaml")
        let telemetry = try #require(config.telemetry)
        #expect(telemetry == TelemetryConfig(otlpEndpoint: "http://127.0.0.1:4318", sampleRate: 1, serviceName: "triage"))
        #expect(telemetry.tracesURL == "http://127.0.0.1:4318/v1/traces")
    }

    @Test("every field parses; an endpoint that already names /v1/traces is kept as it is")
    func fields() throws {
        let config = try ConfigLoader.parse(yaml: twoBackends + """
        telemetry:
          otlp_endpoint: https://collector.example:4318/v1/traces
          sample_rate: 0.25
          service_name: triage-eu
        """, sourceName: "good.yaml")
        let telemetry = try #require(config.telemetry)
        #expect(telemetry.sampleRate == 0.25)
        #expect(telemetry.serviceName == "triage-eu")
        #expect(telemetry.tracesURL == "https://collector.example:4318/v1/traces")
    }

    @Test("a missing or bad endpoint, a rate outside 0...1 and unknown fields are reported with their lines")
    func validation() {
        let missing = errorText(twoBackends + "telemetry: {sample_rate: 0.5}\n")
        #expect(missing.contains("bad.yaml:10: telemetry: missing required field 'otlp_endpoint'"), "\(missing)")
        let scheme = errorText(twoBackends + "telemetry: {otlp_endpoint: 127.0.0.1:4318}\n")
        #expect(scheme.contains("telemetry.otlp_endpoint: invalid URL '127.0.0.1:4318': must start with http:// or https://"), "\(scheme)")
        let rate = errorText(twoBackends + "telemetry:\n  otlp_endpoint: http://127.0.0.1:4318\n  sample_rate: 1.5\n")
        #expect(rate.contains("bad.yaml:12: telemetry.sample_rate: must be between 0 and 1, got 1.5"), "\(rate)")
        let unknown = errorText(twoBackends + "telemetry: {otlp_endpoint: http://127.0.0.1:4318, protocol: grpc}\n")
        #expect(unknown.contains("telemetry.protocol: unknown field 'protocol' (known: otlp_endpoint, sample_rate, service_name)"), "\(unknown)")
    }
}
