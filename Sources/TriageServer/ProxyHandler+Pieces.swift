import Foundation
import HTTPTypes
import Hummingbird
import TriageConfig
import TriageLog
import TriageRouting
import TriageUpstream

/// The pieces of a proxied request: reading it, building the upstream request, filling in the
/// log record, the `x-triage-*` headers.
extension ProxyHandler {
    func makeUpstreamRequest(
        _ chat: ProxyRequest, backend: BackendConfig, active: ActiveRoutes, clientHeaders: [String: String],
        deadline: ContinuousClock.Instant, askUsage: Bool = false
    ) throws(APIError) -> UpstreamRequest {
        let apiKey = active.apiKey(for: backend.name)
        if let variable = backend.apiKeyEnv, apiKey == nil {
            throw APIError(
                status: .badGateway,
                message: "Backend '\(backend.name)' is unavailable: it needs an API key, but the environment variable \(variable) (api_key_env in \(active.config.sourcePath)) is not set for the Triage process. Set it and restart Triage, or route these requests to another backend.",
                type: "upstream_error", code: "backend_api_key_missing"
            )
        }
        let remaining = (deadline - .now).inSeconds
        guard remaining > 0 else {
            throw APIError(
                status: .gatewayTimeout,
                message: "The request deadline of \(active.config.limits.requestTimeout) s (limits.request_timeout) passed before backend '\(backend.name)' could be tried.",
                type: "upstream_error", code: "upstream_timeout"
            )
        }
        let target = try BackendExchange.upstreamTarget(for: chat, backend: backend, askUsage: askUsage)
        return UpstreamRequest(
            url: target.url,
            method: "POST",
            headers: BackendExchange.headers(
                for: backend, stream: chat.stream, apiKey: apiKey, clientAuthorization: clientHeaders["authorization"]
            ),
            body: target.body,
            timeouts: UpstreamTimeouts(
                connect: min(backend.timeouts.connect, remaining),
                total: min(backend.timeouts.total, remaining),
                idle: backend.timeouts.idle
            )
        )
    }

    /// Fills the outcome fields of a record: status, latency, answer, usage (reported or estimated) and cost.
    static func complete(
        _ record: inout RoutingLogRecord, summary: ChatResponseSummary, chat: ProxyRequest, backend: BackendConfig,
        status: Int, started: ContinuousClock.Instant, ttft: Double?
    ) {
        record.status = status
        record.latencyMs = milliseconds(since: started)
        record.ttftMs = ttft
        record.response = summary.text
        record.finishReason = summary.finishReason
        let usage: RoutingLogRecord.Usage
        if let prompt = summary.promptTokens, let completion = summary.completionTokens {
            usage = .init(promptTokens: prompt, completionTokens: completion, source: "upstream")
        } else {
            usage = .init(
                promptTokens: TokenEstimator.estimate(messages: chat.messageTexts),
                completionTokens: summary.text.isEmpty ? 0 : TokenEstimator.estimate(summary.text),
                source: "estimated"
            )
        }
        record.usage = usage
        record.costUSD = backend.pricing.cost(inputTokens: usage.promptTokens, outputTokens: usage.completionTokens)
    }

    /// Reads the request body, refusing it with 413 as soon as it passes `limit` bytes.
    static func readBody(_ request: Request, limit: Int) async throws -> [UInt8] {
        let declared = request.headers[.contentLength].flatMap(Int.init)
        if let declared, declared > limit {
            throw APIError.bodyTooLarge(limit: limit)
        }
        var bytes: [UInt8] = []
        if let declared, declared > 0 {
            // One allocation of the right size instead of doubling (and up to twice the
            // memory) while a large prompt arrives; the limit above bounds it.
            bytes.reserveCapacity(declared)
        }
        do {
            for try await buffer in request.body {
                guard bytes.count + buffer.readableBytes <= limit else {
                    throw APIError.bodyTooLarge(limit: limit)
                }
                bytes.append(contentsOf: buffer.readableBytesView)
            }
        } catch let error as APIError {
            throw error
        } catch {
            // The connection ended mid-body: the client hung up, or paused longer than limits.body_timeout.
            throw APIError(
                status: .requestTimeout,
                message: "The request body ended early after \(bytes.count) bytes: the client closed the connection or paused longer than limits.body_timeout between two reads.",
                type: "invalid_request_error", code: "request_body_incomplete"
            )
        }
        return bytes
    }

    static func lowercasedHeaders(_ fields: HTTPFields) -> [String: String] {
        var headers: [String: String] = [:]
        for field in fields {
            let name = field.name.canonicalName
            if let existing = headers[name] {
                headers[name] = existing + ", " + field.value
            } else {
                headers[name] = field.value
            }
        }
        return headers
    }

    static func triageHeaders(_ record: RoutingLogRecord) -> HTTPFields {
        var headers = HTTPFields()
        if let name = HTTPField.Name("x-triage-request-id") { headers[name] = record.id }
        if let name = HTTPField.Name("x-triage-backend"), let backend = record.backend { headers[name] = backend }
        if let name = HTTPField.Name("x-triage-rule"), let rule = record.rule { headers[name] = rule }
        return headers
    }
}
