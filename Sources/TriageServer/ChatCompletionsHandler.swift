import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TriageConfig
import TriageLog
import TriageRouting
import TriageUpstream

/// Serves `POST /v1/chat/completions`: reads and checks the request, routes it, relays the
/// backend's answer (streamed chunk by chunk when the client asked for `stream: true`) and
/// appends one routing log record, whatever the outcome.
struct ChatCompletionsHandler: Sendable {
    let routes: RoutesStore
    let client: UpstreamClient
    let log: RoutingLogWriter
    let logger: Logger

    /// Largest non-streamed answer the proxy will hold to relay.
    static let maxResponseBytes = 64 * 1024 * 1024
    /// Largest upstream error body the proxy reads to quote in its own error.
    static let maxErrorBodyBytes = 64 * 1024

    func handle(_ request: Request) async -> Response {
        let started = ContinuousClock.now
        let active = routes.snapshot
        var record = RoutingLogRecord(
            id: RequestID.make(), timestamp: RoutingLogRecord.timestamp(Date()),
            endpoint: "/v1/chat/completions", reason: "", status: 0, latencyMs: 0
        )
        do {
            let bytes = try await Self.readBody(request, limit: active.config.limits.maxBodyBytes)
            let chat = try ChatRequest(parsing: bytes)
            record.clientModel = chat.model
            record.stream = chat.stream
            record.messages = chat.messages
            guard active.config.models.contains(chat.model) else {
                throw APIError.unknownModel(chat.model, known: active.config.models)
            }
            let decision = active.router.decide(RoutingInput(
                model: chat.model,
                headers: Self.lowercasedHeaders(request.headers),
                lastUserMessage: chat.lastUserMessage,
                estimatedPromptTokens: TokenEstimator.estimate(messages: chat.messageTexts)
            ))
            let backend = decision.backend
            record.backend = backend.name
            record.upstreamModel = backend.model
            record.rule = decision.rule
            record.reason = decision.reason

            let upstreamRequest = try makeUpstreamRequest(chat, backend: backend, active: active)
            let response: UpstreamResponse
            do {
                response = try await client.execute(upstreamRequest)
            } catch {
                throw Self.apiError(error, backend: backend.name)
            }
            guard (200..<300).contains(response.status) else {
                let errorBody = (try? await response.body.collect(upTo: Self.maxErrorBodyBytes)) ?? []
                throw Self.upstreamStatusError(status: response.status, body: errorBody, backend: backend.name)
            }
            if chat.stream {
                return streamingResponse(response, chat: chat, backend: backend, record: record, started: started)
            }
            let body: [UInt8]
            do {
                body = try await response.body.collect(upTo: Self.maxResponseBytes)
            } catch {
                throw Self.apiError(error, backend: backend.name)
            }
            let summary = ChatResponseSummary(completionBody: body)
            Self.complete(&record, summary: summary, chat: chat, backend: backend, status: response.status, started: started, ttft: nil)
            log.append(record)
            var headers = Self.triageHeaders(record)
            headers[.contentType] = response.header("content-type") ?? "application/json"
            return Response(
                status: HTTPResponse.Status(code: response.status),
                headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
            )
        } catch {
            let apiError = (error as? APIError) ?? APIError(
                status: .internalServerError, message: "Internal error in Triage: \(error)",
                type: "server_error", code: "internal_error"
            )
            record.status = Int(apiError.status.code)
            record.error = apiError.message
            if record.reason.isEmpty { record.reason = "rejected: \(apiError.code ?? apiError.type)" }
            record.latencyMs = Self.milliseconds(since: started)
            log.append(record)
            if apiError.status.code >= 500 {
                logger.warning("request failed", metadata: ["id": .string(record.id), "status": .stringConvertible(apiError.status.code), "error": .string(apiError.message)])
            }
            return apiError.response(requestID: record.id)
        }
    }

    // MARK: Streaming

    private func streamingResponse(
        _ response: UpstreamResponse, chat: ChatRequest, backend: BackendConfig,
        record: RoutingLogRecord, started: ContinuousClock.Instant
    ) -> Response {
        var headers = Self.triageHeaders(record)
        headers[.contentType] = response.header("content-type") ?? "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let log = self.log
        let body = ResponseBody { writer in
            var record = record
            var collected: [UInt8] = []
            var firstByte: ContinuousClock.Instant?
            var clientGone = false
            do {
                for try await chunk in response.body {
                    if firstByte == nil { firstByte = .now }
                    collected.append(contentsOf: chunk)
                    do {
                        try await writer.write(ByteBuffer(bytes: chunk))
                    } catch {
                        clientGone = true
                        break
                    }
                }
                if Task.isCancelled { clientGone = true }
            } catch {
                // The stream has started: never splice in another answer; end it with an error event.
                let apiError = Self.apiError(error, backend: backend.name)
                record.error = "stream interrupted: \(apiError.message)"
                var event = Array("data: ".utf8)
                event.append(contentsOf: apiError.body)
                event.append(contentsOf: Array("\n\n".utf8))
                do { try await writer.write(ByteBuffer(bytes: event)) } catch { clientGone = true }
            }
            if clientGone {
                record.error = "client disconnected before the answer ended; upstream transfer aborted"
            }
            let ttft = firstByte.map { Self.milliseconds(from: started, to: $0) }
            Self.complete(&record, summary: ChatResponseSummary(sseBytes: collected), chat: chat, backend: backend,
                          status: response.status, started: started, ttft: ttft)
            log.append(record)
            if !clientGone {
                try await writer.finish(nil)
            }
        }
        return Response(status: HTTPResponse.Status(code: response.status), headers: headers, body: body)
    }

    // MARK: Pieces

    private func makeUpstreamRequest(_ chat: ChatRequest, backend: BackendConfig, active: ActiveRoutes) throws -> UpstreamRequest {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("Accept", chat.stream ? "text/event-stream" : "application/json"),
        ]
        if let variable = backend.apiKeyEnv {
            guard let key = active.apiKey(for: backend.name) else {
                throw APIError(
                    status: .badGateway,
                    message: "Backend '\(backend.name)' needs an API key, but the environment variable \(variable) (api_key_env in \(active.config.sourcePath)) is not set for the Triage process.",
                    type: "upstream_error", code: "backend_api_key_missing"
                )
            }
            headers.append(("Authorization", "Bearer \(key)"))
        }
        let body: [UInt8]
        do {
            body = try chat.upstreamBody(model: backend.model)
        } catch {
            throw APIError.invalidRequest("The request could not be re-encoded for the backend: \(error)")
        }
        return UpstreamRequest(
            url: backend.chatCompletionsURL,
            method: "POST",
            headers: headers,
            body: body,
            timeouts: UpstreamTimeouts(connect: backend.timeouts.connect, total: backend.timeouts.total, idle: backend.timeouts.idle)
        )
    }

    /// Fills the outcome fields of a record: status, latency, answer, usage (reported or estimated) and cost.
    private static func complete(
        _ record: inout RoutingLogRecord, summary: ChatResponseSummary, chat: ChatRequest, backend: BackendConfig,
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
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw APIError.bodyTooLarge(limit: limit)
        }
        var bytes: [UInt8] = []
        for try await buffer in request.body {
            guard bytes.count + buffer.readableBytes <= limit else {
                throw APIError.bodyTooLarge(limit: limit)
            }
            bytes.append(contentsOf: buffer.readableBytesView)
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

    static func apiError(_ error: any Error, backend: String) -> APIError {
        if let error = error as? APIError { return error }
        if let error = error as? UpstreamError { return .upstream(error, backend: backend) }
        return APIError(status: .badGateway, message: "Backend '\(backend)' failed: \(error)", type: "upstream_error", code: "upstream_unavailable")
    }

    /// The error for a backend answering with a non-2xx status.
    ///
    /// A 4xx is the client's to see (bad parameters, rate limits), so it keeps its status and the
    /// backend's message; a 5xx becomes a 502 from the proxy, quoting the backend.
    static func upstreamStatusError(status: Int, body: [UInt8], backend: String) -> APIError {
        let upstreamMessage = upstreamErrorMessage(body)
        if (400..<500).contains(status) {
            return APIError(
                status: HTTPResponse.Status(code: status),
                message: "Backend '\(backend)' rejected the request (HTTP \(status)): \(upstreamMessage)",
                type: status == 429 ? "rate_limit_error" : "invalid_request_error",
                code: status == 429 ? "upstream_rate_limited" : "upstream_rejected"
            )
        }
        return APIError(
            status: .badGateway,
            message: "Backend '\(backend)' returned HTTP \(status): \(upstreamMessage)",
            type: "upstream_error", code: "upstream_error"
        )
    }

    private static func upstreamErrorMessage(_ body: [UInt8]) -> String {
        struct Envelope: Decodable {
            struct Inner: Decodable { var message: String? }
            var error: Inner?
        }
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body)), let message = envelope.error?.message {
            return message
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : text
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        milliseconds(from: start, to: .now)
    }

    static func milliseconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        let duration = end - start
        let (seconds, attoseconds) = duration.components
        return (Double(seconds) * 1000 + Double(attoseconds) / 1e15).rounded(toPlaces: 3)
    }
}

extension Double {
    fileprivate func rounded(toPlaces places: Int) -> Double {
        let factor = pow(10.0, Double(places))
        return (self * factor).rounded() / factor
    }
}
