import Yams

/// The `telemetry` section: OpenTelemetry traces over OTLP/HTTP.
extension ConfigParser {
    mutating func parseTelemetry(_ node: Node, path: String) -> TelemetryConfig? {
        guard let fields = fields(of: node, path: path, known: ["otlp_endpoint", "sample_rate", "service_name"]) else { return nil }
        guard let endpointNode = fields.node("otlp_endpoint") else {
            reportMissing("otlp_endpoint", in: fields)
            return nil
        }
        guard let endpoint = baseURL(endpointNode, field: fields.path("otlp_endpoint")) else { return nil }
        var telemetry = TelemetryConfig(otlpEndpoint: endpoint)
        if let value = fields.node("sample_rate"), let rate = number(value, field: fields.path("sample_rate")) {
            if (0...1).contains(rate) {
                telemetry.sampleRate = rate
            } else {
                report(line: value.line, field: fields.path("sample_rate"), "must be between 0 and 1, got \(value.rawText)")
            }
        }
        if let value = fields.node("service_name"), let name = string(value, field: fields.path("service_name")) {
            telemetry.serviceName = name
        }
        return telemetry
    }
}
