import Foundation
import Tracing
import TriageLog

/// Span attributes, named after OpenTelemetry's GenAI and HTTP semantic conventions where they
/// have a name (`gen_ai.*`, `http.*`, `server.*`, `error.type`) and `triage.*` for the rest.
/// Prompts and answers are never attributes.
enum TraceAttributes {
    /// `gen_ai.operation.name` of an endpoint.
    static func operation(endpoint: String) -> String {
        switch endpoint {
        case "/v1/completions": "text_completion"
        case "/v1/embeddings": "embeddings"
        default: "chat"
        }
    }

    /// An upstream attempt's attributes.
    static func attempt(backend: String, model: String, kind: String, url: String, operation: String) -> SpanAttributes {
        var attributes = SpanAttributes()
        attributes["gen_ai.operation.name"] = operation
        attributes["gen_ai.provider.name"] = kind
        attributes["gen_ai.request.model"] = model
        attributes["triage.backend"] = backend
        if let components = URLComponents(string: url), let host = components.host {
            attributes["server.address"] = host
            attributes["server.port"] = components.port ?? (components.scheme == "https" ? 443 : 80)
        }
        return attributes
    }

    /// The request span's attributes, from its routing log record.
    static func request(_ record: RoutingLogRecord) -> SpanAttributes {
        var attributes = SpanAttributes()
        attributes["triage.request_id"] = record.id
        attributes["http.response.status_code"] = record.status
        attributes["triage.stream"] = record.stream
        attributes["triage.reason"] = record.reason
        if let model = record.clientModel { attributes["gen_ai.request.model"] = model }
        if let model = record.upstreamModel { attributes["gen_ai.response.model"] = model }
        if let backend = record.backend { attributes["triage.backend"] = backend }
        if let rule = record.rule { attributes["triage.rule"] = rule }
        if let usage = record.usage {
            attributes["gen_ai.usage.input_tokens"] = usage.promptTokens
            attributes["gen_ai.usage.output_tokens"] = usage.completionTokens
            attributes["triage.usage.source"] = usage.source
        }
        if let cost = record.costUSD { attributes["triage.cost_usd"] = cost }
        if let reason = record.finishReason { attributes["gen_ai.response.finish_reasons"] = [reason] }
        if let ttft = record.ttftMs { attributes["triage.ttft_ms"] = ttft }
        if let scores = record.scores {
            if let fit = scores.fit { attributes["triage.score.fit"] = fit }
            if let similarity = scores.similarity { attributes["triage.score.similarity"] = similarity }
            attributes["triage.score.complexity"] = scores.complexity
            attributes["triage.score.decided_by"] = scores.decidedBy
        }
        if record.backend != nil {
            // Every try, skipped backends included (the log lists them when there was more than one).
            attributes["triage.attempts"] = record.attempts?.count ?? 1
        }
        return attributes
    }
}
