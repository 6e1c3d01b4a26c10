import Foundation
import TriageConfig
import TriageLog
import TriageRouting

/// The outcome of a request as its routing log record: status, latency, answer, usage and cost,
/// and the tags its reply carries.
extension RequestLifecycle {
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

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        milliseconds(from: start, to: .now)
    }

    static func milliseconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        ((end - start).inSeconds * 1000).rounded(toPlaces: 3)
    }
}

/// What every reply says about its request (`x-triage-request-id`, `x-triage-backend`,
/// `x-triage-rule`): where it was sent, and by which rule, also on errors after routing.
struct ReplyTags: Sendable, Equatable {
    var id: String
    var backend: String?
    var rule: String?

    init(_ record: RoutingLogRecord) {
        id = record.id
        backend = record.backend
        rule = record.rule
    }
}

extension Double {
    fileprivate func rounded(toPlaces places: Int) -> Double {
        // Foundation's pow: swift-numerics (linked through swift-otel) adds a static Double.pow.
        let factor = Foundation.pow(10.0, Double(places))
        return (self * factor).rounded() / factor
    }
}
