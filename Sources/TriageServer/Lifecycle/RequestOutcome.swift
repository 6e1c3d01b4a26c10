import Foundation
import TriageConfig
import TriageLog
import TriageRouting
import TriageTracing

/// One request's outcome, as the request path knows it: facts only (where it went and why,
/// what each attempt did, status, error, the answer's text and finish reason, the usage the
/// backend reported) and raw instants; no text made that only the log needs.
///
/// The routing log's writer thread renders it into the ``RoutingLogRecord`` (``rendered()``):
/// the timestamp, latencies, usage (reported, or estimated from the prompt and answer texts)
/// and cost, `log.redact`, the replica; and ends the request's trace with that record.
struct RequestOutcome: RoutingLogOutcome {
    /// The record's fields the request path filled (id, endpoint, routing, attempts, status,
    /// error, messages, answer...): its timestamp, latencies, usage, cost and replica are
    /// rendered, and nothing in it is redacted yet.
    var facts: RoutingLogRecord
    /// When the request arrived.
    let started: ContinuousClock.Instant
    /// When its answer (or error) was complete.
    let ended: ContinuousClock.Instant
    /// The wall clock at `ended`: the timestamp is this minus the latency.
    let endedAt: Date
    /// The answer's first byte (a stream's time to first token).
    var firstByte: ContinuousClock.Instant?
    /// The usage as reported, or what its estimate needs; nil for no usage (rejections).
    var usage: Usage?
    /// The answering backend's prices (the cost is rendered from the usage).
    var pricing: BackendPricing?
    /// The routes in force: `log.redact`, its scanner and the privacy policy.
    var active: ActiveRoutes
    /// The request's trace (when traced): ended with the rendered record.
    var trace: RequestTrace?
    /// Bytes of the prompt texts (nil: count the messages), for ``estimatedSize``.
    var promptBytes: Int?

    /// Token usage before rendering.
    enum Usage: Sendable, Equatable {
        /// The backend reported both counts.
        case reported(prompt: Int, completion: Int)
        /// Estimated on rendering from the prompt's message texts and the answer's text.
        case estimated(promptTexts: [String], answer: String)
    }

    init(
        facts: RoutingLogRecord, started: ContinuousClock.Instant, firstByte: ContinuousClock.Instant? = nil, usage: Usage? = nil,
        pricing: BackendPricing? = nil, active: ActiveRoutes, promptBytes: Int? = nil,
        ended: ContinuousClock.Instant = .now, endedAt: Date = Date()
    ) {
        (self.facts, self.started, self.firstByte, self.usage, self.pricing) = (facts, started, firstByte, usage, pricing)
        (self.active, self.promptBytes, self.ended, self.endedAt) = (active, promptBytes, ended, endedAt)
    }

    var id: String { facts.id }

    /// Counted at enqueue on the request path: lengths only, no walk of the messages when the
    /// prompt's byte count is known.
    var estimatedSize: Int {
        512 + (promptBytes ?? facts.messages?.estimatedSize ?? 0) + (facts.response?.utf8.count ?? 0)
            + (facts.shadow?.response?.utf8.count ?? 0) + (facts.error?.utf8.count ?? 0) + facts.reason.utf8.count
    }

    /// The record, on the writer's thread; the request's trace ends with it.
    func rendered() -> RoutingLogRecord {
        let record = record()
        trace?.finish(record)
        return record
    }

    /// Ends the trace now (a record held back for its shadow copy: the copy is not part of the
    /// request's trace) and returns the outcome without it.
    func finishingTrace(_ trace: RequestTrace?) -> RequestOutcome {
        trace?.finish(record())
        var outcome = self
        outcome.trace = nil
        return outcome
    }

    /// The record as the routing log keeps it.
    func record() -> RoutingLogRecord {
        var record = facts
        record.timestamp = RoutingLogRecord.timestamp(endedAt.addingTimeInterval(-(ended - started).inSeconds))
        record.latencyMs = RequestLifecycle.milliseconds(from: started, to: ended)
        record.ttftMs = firstByte.map { RequestLifecycle.milliseconds(from: started, to: $0) }
        if let usage = renderedUsage {
            record.usage = usage
            record.costUSD = pricing?.cost(inputTokens: usage.promptTokens, outputTokens: usage.completionTokens)
        }
        RequestLifecycle.redactForLog(&record, active: active)
        RequestRecorder.stamp(&record)
        return record
    }

    /// The usage as the record states it: reported, or estimated.
    var renderedUsage: RoutingLogRecord.Usage? {
        switch usage {
        case .reported(let prompt, let completion)?:
            return .init(promptTokens: prompt, completionTokens: completion, source: "upstream")
        case .estimated(let texts, let answer)?:
            return .init(
                promptTokens: TokenEstimator.estimate(messages: texts),
                completionTokens: answer.isEmpty ? 0 : TokenEstimator.estimate(answer),
                source: "estimated"
            )
        case nil:
            return nil
        }
    }
}
