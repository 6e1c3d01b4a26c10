import Foundation
import NIOCore
import TriageConfig
import TriageAnthropic
import TriageLog
import TriagePrivacy
import TriageRouting
import TriageTracing
import TriageUpstream

/// A streamed answer whose head has arrived: the HTTP adapter sends ``status`` and ``tags`` at
/// once, then ``relay(emit:)`` passes the backend's events to the client as they arrive, with
/// the stream's end held back until the routing log record is written.
struct StreamedAnswer: Sendable {
    let lifecycle: RequestLifecycle
    let context: RequestLifecycle.StreamContext
    let relayer: StreamRelay
    let record: RoutingLogRecord
    /// The request's trace, for a relay that runs after the handler returned.
    let trace: RequestTrace?

    init(
        lifecycle: RequestLifecycle, response: UpstreamResponse, intake: RequestIntake, backend: BackendConfig,
        record: RoutingLogRecord, started: ContinuousClock.Instant, active: ActiveRoutes, stripUsageChunk: Bool, watch: ClientWatch
    ) {
        let chat = intake.chat
        self.lifecycle = lifecycle
        self.record = record
        self.relayer = StreamRelay(
            api: chat.api, backendIsAnthropic: backend.kind == .anthropic, model: backend.model,
            id: record.id, includeUsage: chat.includeUsage, stripUsageChunk: stripUsageChunk,
            estimate: UsageEstimate(promptTokens: TokenEstimator.estimate(messages: chat.messageTexts)) { TokenEstimator.estimate($0) },
            responsesRequest: chat.body, backendSpeaksResponses: backend.kind == .openai && backend.responses
        )
        self.context = RequestLifecycle.StreamContext(
            response: response, chat: chat, backend: backend, started: started, active: active, clientHeaders: intake.headers,
            watch: watch)
        self.trace = lifecycle.tracing == nil ? nil : RequestTrace.current
    }

    /// The backend's HTTP status.
    var status: Int { context.response.status }
    /// What the reply says about its request.
    var tags: ReplyTags { ReplyTags(record) }
    /// Whether the upstream already sent the whole stream (a short answer from a fast backend):
    /// the head, every event and the end may then go to the client in one write.
    var isComplete: Bool { context.response.body.isComplete }

    /// Relays the stream into `emit` up to its end, writes the record, then sends the end.
    func relay(emit: (ByteBuffer) async throws -> Void) async -> RequestLifecycle.StreamOutcome {
        await lifecycle.inTrace(trace) {
            await lifecycle.relayStream(context, relay: relayer, record: record, emit: emit)
        }
    }

    /// A stream the upstream already sent whole (``isComplete``), relayed at once: every event
    /// and the end in one buffer, for one write with the head; `nil` when the record could not
    /// be written (answer ``APIError/routingLogUnavailable`` instead).
    func collected() async -> ByteBuffer? {
        var collected = ByteBuffer()
        let outcome = await relay { collected.writeImmutableBuffer($0) }
        return outcome.mayAnswer ? collected : nil
    }
}

extension RequestLifecycle {
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
        var check = StreamAnswerCheck(summarizing: relay.passesOpenAIChunksThrough)
        var checked = false
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
                checked = true
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
        let (outcome, shadowed) = streamOutcome(
            context, relay: &relay, check: check, checked: checked, masking: masking, restorer: &restorer, tail: &tail,
            record: &record, failure: failure, clientGone: clientGone, firstByte: firstByte)
        // The record is in the file before the client gets the stream's end.
        let mayAnswer = shadowed ? true : await recorder.record(outcome)
        if !clientGone {
            let end = mayAnswer ? tail.held : relay.fail(.routingLogUnavailable)
            if !end.isEmpty {
                do { try await emit(ByteBuffer(bytes: end)) } catch { clientGone = true }
            }
        }
        return StreamOutcome(clientGone: clientGone, mayAnswer: mayAnswer)
    }

    /// After the relay loop: the error event that replaces a broken stream's end, the backend
    /// released, and the stream's outcome (handed to a shadow copy when `shadowed`). Not inlined:
    /// it runs between two awaits, so its values stay off the relay's async frame.
    @inline(never)
    private func streamOutcome(
        _ context: StreamContext, relay: inout StreamRelay, check: StreamAnswerCheck, checked: Bool, masking: Masking?,
        restorer: inout MaskedStreamRestorer?, tail: inout StreamTail, record: inout RoutingLogRecord, failure: APIError?,
        clientGone: Bool, firstByte: ContinuousClock.Instant?
    ) -> (outcome: RequestOutcome, shadowed: Bool) {
        let backend = context.backend
        if let failure, !clientGone {
            // A blank line first ends any event the backend left unfinished.
            tail.hold((restorer?.finish() ?? []) + Array("\n".utf8) + relay.fail(failure))
        }
        if clientGone {
            record.error = "client disconnected before the answer ended; upstream transfer aborted"
            health.release(backend)
        } else if shutdown.isCutOff && failure?.code == .serverShuttingDown {
            health.release(backend)
        } else {
            health.finish(backend, success: record.error == nil)
        }
        // A stream that passed every check was summarised while checked; otherwise from the bytes relayed.
        var summary = (checked ? check.summary : nil) ?? relay.summary
        if let masking { summary.text = masking.restore(summary.text) }
        var outcome = Self.outcome(
            record, summary: summary, chat: context.chat, backend: backend, status: context.response.status,
            started: context.started, firstByte: firstByte, active: context.active)
        if check.problem != nil && !clientGone {
            outcome.facts.status = 502  // what the client got instead of an answer
        }
        let shadowed = record.error == nil
            && startShadow(outcome, chat: context.chat, answeredBy: backend, active: context.active, clientHeaders: context.clientHeaders)
        return (outcome, shadowed)
    }

    /// The 502 for a backend's 2xx answer that is not an answer.
    static func invalidAnswer(_ problem: String, backend: String) -> APIError {
        APIError(
            status: .badGateway,
            message: "Backend '\(backend)' \(problem); it is not relayed as an answer.",
            type: "upstream_error", code: .upstreamInvalidResponse
        )
    }
}
