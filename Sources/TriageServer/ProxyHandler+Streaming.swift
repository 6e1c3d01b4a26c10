import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TriageConfig
import TriageLog
import TriageUpstream

/// Streamed answers: relaying the backend's events to the client as they arrive.
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
            id: record.id, includeUsage: chat.includeUsage, stripUsageChunk: stripUsageChunk
        )
        let context = StreamContext(
            response: response, chat: chat, backend: backend, started: started, active: active, clientHeaders: clientHeaders,
            watch: watch)
        if response.body.isComplete {
            // The upstream already sent the whole stream (a short answer from a fast backend):
            // the head, every event and the end go to the client in one write instead of three.
            var collected = ByteBuffer()
            _ = await relayStream(context, relay: relay, record: record) { collected.writeImmutableBuffer($0) }
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: collected))
        }
        let handler = self
        let body = ResponseBody { writer in
            let clientGone = await handler.relayStream(context, relay: relay, record: record) { try await writer.write($0) }
            if !clientGone {
                try await writer.finish(nil)
            }
        }
        return Response(status: status, headers: headers, body: body)
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

    /// Relays the upstream body through `relay` into `emit`, ends the stream (with an error
    /// event if the upstream broke off, sent something that is not an answer stream, or the
    /// shutdown grace period ran out), releases the backend and writes the log record (or hands
    /// it to a shadow copy). Returns whether the client went away.
    func relayStream(
        _ context: StreamContext, relay initialRelay: StreamRelay, record initialRecord: RoutingLogRecord,
        emit: (ByteBuffer) async throws -> Void
    ) async -> Bool {
        let backend = context.backend
        var record = initialRecord
        var relay = initialRelay
        var check = StreamAnswerCheck()
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
                let out = relay.feed(chunk)
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
                if !end.isEmpty {
                    do { try await emit(ByteBuffer(bytes: end)) } catch { clientGone = true }
                }
            } else if !clientGone, let problem = check.problem {
                failure = Self.invalidAnswer(problem, backend: backend.name)
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
                let apiError = Self.apiError(error, backend: backend.name)
                failure = apiError
                record.error = "stream interrupted: \(apiError.message)"
                recorder.metrics.recordAttemptFailure(backend: backend.name, reason: "stream_interrupted")
            }
        }
        if let failure, !clientGone {
            // A blank line first ends any event the backend left unfinished.
            do { try await emit(ByteBuffer(bytes: Array("\n".utf8) + relay.fail(failure))) } catch { clientGone = true }
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
        Self.complete(&record, summary: relay.summary, chat: context.chat, backend: backend,
                      status: context.response.status, started: context.started, ttft: ttft)
        if check.problem != nil && !clientGone {
            record.status = 502  // what the client got instead of an answer
        }
        let shadowed = record.error == nil
            && startShadow(record, chat: context.chat, answeredBy: backend, active: context.active, clientHeaders: context.clientHeaders)
        if !shadowed {
            recorder.record(record)
        }
        return clientGone
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
