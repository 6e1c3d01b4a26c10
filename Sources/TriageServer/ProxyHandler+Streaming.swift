import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TriageConfig
import TriageAnthropic
import TriageLog
import TriageRouting
import TriageTracing
import TriageUpstream

/// Streamed answers: relaying the backend's events to the client as they arrive, with the
/// stream's end held back until the routing log record is written.
extension ProxyHandler {
    func streamingResponse(
        _ response: UpstreamResponse, chat: ProxyRequest, backend: BackendConfig,
        record: RoutingLogRecord, started: ContinuousClock.Instant, active: ActiveRoutes, clientHeaders: [String: String],
        stripUsageChunk: Bool, watch: ClientWatch
    ) async -> Response {
        var headers = Self.triageHeaders(record)
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let status = HTTPResponse.Status(code: response.status)
        let relay = StreamRelay(
            api: chat.api, backendIsAnthropic: backend.kind == .anthropic, model: backend.model,
            id: record.id, includeUsage: chat.includeUsage, stripUsageChunk: stripUsageChunk,
            estimate: UsageEstimate(promptTokens: TokenEstimator.estimate(messages: chat.messageTexts)) { TokenEstimator.estimate($0) },
            responsesRequest: chat.body, backendSpeaksResponses: backend.kind == .openai && backend.responses
        )
        let context = StreamContext(
            response: response, chat: chat, backend: backend, started: started, active: active, clientHeaders: clientHeaders,
            watch: watch)
        if response.body.isComplete {
            // The upstream already sent the whole stream (a short answer from a fast backend):
            // the head, every event and the end go to the client in one write instead of three.
            var collected = ByteBuffer()
            let outcome = await relayStream(context, relay: relay, record: record) { collected.writeImmutableBuffer($0) }
            guard outcome.mayAnswer else {
                return logUnavailableResponse(record, api: chat.api)
            }
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: collected))
        }
        let handler = self
        let trace = tracing == nil ? nil : RequestTrace.current
        let body = ResponseBody { writer in
            let outcome = await handler.inTrace(trace) {
                await handler.relayStream(context, relay: relay, record: record) { try await writer.write($0) }
            }
            if !outcome.clientGone {
                try await writer.finish(nil)
            }
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// The 503 answered instead of an answer whose record could not be written (`fail_closed`).
    func logUnavailableResponse(_ record: RoutingLogRecord, api: ClientAPI) -> Response {
        var response = APIError.routingLogUnavailable.response(requestID: record.id, anthropic: api.usesAnthropicErrors)
        for field in Self.triageHeaders(record) where response.headers[field.name] == nil {
            response.headers.append(field)
        }
        return response
    }

    /// How a relayed stream ended.
    struct StreamOutcome {
        /// The client went away before the end.
        var clientGone: Bool
        /// False when the record could not be written and `log.on_write_error` is `fail_closed`:
        /// the stream was ended with a `routing_log_unavailable` error event instead of its end.
        var mayAnswer: Bool
    }

    /// What a streamed answer's relay needs besides the relay and the log record.
    struct StreamContext: Sendable {
        let response: UpstreamResponse
        let chat: ProxyRequest
        let backend: BackendConfig
        let started: ContinuousClock.Instant
        let active: ActiveRoutes
        let clientHeaders: [String: String]
        let watch: ClientWatch
    }

    /// Relays the upstream body through `relay` into `emit` up to its terminal event, releases
    /// the backend, writes the log record (or hands it to a shadow copy), and only then sends the
    /// stream's end: the terminal event and anything after it, or the error event that replaces
    /// it when the upstream broke off, sent something that is not an answer stream, the shutdown
    /// grace period ran out, or the record could not be written (`fail_closed`).
    func relayStream(
        _ context: StreamContext, relay initialRelay: StreamRelay, record initialRecord: RoutingLogRecord,
        emit: (ByteBuffer) async throws -> Void
    ) async -> StreamOutcome {
        let backend = context.backend
        var record = initialRecord
        var relay = initialRelay
        var tail = StreamTail(api: context.chat.api)
        var check = StreamAnswerCheck()
        // A backend that saw the request masked answers with placeholders: restored on the way out.
        let masking = Self.masking(for: context.chat, backend: backend, active: context.active)
        var restorer = masking.map(MaskedStreamRestorer.init)
        var firstByte: ContinuousClock.Instant?
        var clientGone = false
        var failure: APIError?
        shutdown.register(context.watch.cancellation)
        defer {
            shutdown.unregister(context.watch.cancellation)
            context.watch.end()
        }
        do {
            for try await chunk in context.response.body {
                if firstByte == nil { firstByte = .now }
                guard check.feed(chunk) else { break }
                let relayed = relay.feed(chunk)
                let out = tail.release(restorer?.feed(relayed) ?? relayed)
                guard !out.isEmpty else { continue }
                do {
                    try await emit(ByteBuffer(bytes: out))
                } catch {
                    clientGone = true
                    break
                }
            }
            if Task.isCancelled { clientGone = true }
            if !clientGone && check.finish() {
                let end = relay.finish()
                tail.hold((restorer?.feed(end) ?? end) + (restorer?.finish() ?? []))
            } else if !clientGone, let problem = check.problem {
                failure = Self.invalidAnswer(context.active.redactor.redact(problem), backend: backend.name)
                record.error = "invalid stream: \(failure?.message ?? problem)"
                recorder.metrics.recordAttemptFailure(backend: backend.name, reason: "invalid_response")
            }
        } catch {
            if context.watch.clientGone {
                clientGone = true
            } else if shutdown.isCutOff, case .cancelled = error {
                failure = shutdown.error
                record.error = "stream cut at shutdown: \(shutdown.error.message)"
            } else {
                // The stream has started: never splice in another answer; end it with an error event.
                let apiError = UpstreamErrors.apiError(error, backend: backend.name, redactor: context.active.redactor)
                failure = apiError
                record.error = "stream interrupted: \(apiError.message)"
                recorder.metrics.recordAttemptFailure(backend: backend.name, reason: "stream_interrupted")
            }
        }
        if let failure, !clientGone {
            // A blank line first ends any event the backend left unfinished.
            tail.hold((restorer?.finish() ?? []) + Array("\n".utf8) + relay.fail(failure))
        }
        if clientGone {
            record.error = "client disconnected before the answer ended; upstream transfer aborted"
            health.release(backend)
        } else if shutdown.isCutOff && failure?.code == "server_shutting_down" {
            health.release(backend)
        } else {
            health.finish(backend, success: record.error == nil)
        }
        let ttft = firstByte.map { Self.milliseconds(from: context.started, to: $0) }
        var summary = relay.summary
        if let masking { summary.text = masking.restore(summary.text) }
        Self.complete(&record, summary: summary, chat: context.chat, backend: backend,
                      status: context.response.status, started: context.started, ttft: ttft)
        if check.problem != nil && !clientGone {
            record.status = 502  // what the client got instead of an answer
        }
        let shadowed = record.error == nil
            && startShadow(record, chat: context.chat, answeredBy: backend, active: context.active, clientHeaders: context.clientHeaders)
        // The record is in the file before the client gets the stream's end.
        let mayAnswer = shadowed ? true : await recorder.record(Self.logged(record, active: context.active))
        if !clientGone {
            let end = mayAnswer ? tail.held : relay.fail(.routingLogUnavailable)
            if !end.isEmpty {
                do { try await emit(ByteBuffer(bytes: end)) } catch { clientGone = true }
            }
        }
        return StreamOutcome(clientGone: clientGone, mayAnswer: mayAnswer)
    }

    /// The 502 for a backend's 2xx answer that is not an answer.
    static func invalidAnswer(_ problem: String, backend: String) -> APIError {
        APIError(
            status: .badGateway,
            message: "Backend '\(backend)' \(problem); it is not relayed as an answer.",
            type: "upstream_error", code: "upstream_invalid_response"
        )
    }
}
