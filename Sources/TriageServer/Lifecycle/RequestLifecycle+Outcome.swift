import Foundation
import TriageConfig
import TriageLog

/// The outcome of a request (``RequestOutcome``): facts and raw instants, rendered into its
/// routing log record on the log's writer thread; and the tags its reply carries.
extension RequestLifecycle {
    /// The outcome of an answered request: status, answer, the usage as reported (or what its
    /// estimate needs) and the backend's prices; `record` holds the facts gathered before.
    static func outcome(
        _ record: RoutingLogRecord, summary: ChatResponseSummary, chat: ProxyRequest, backend: BackendConfig,
        status: Int, started: ContinuousClock.Instant, firstByte: ContinuousClock.Instant?, active: ActiveRoutes
    ) -> RequestOutcome {
        var facts = record
        facts.status = status
        facts.response = summary.text
        facts.finishReason = summary.finishReason
        let usage: RequestOutcome.Usage
        if let prompt = summary.promptTokens, let completion = summary.completionTokens {
            usage = .reported(prompt: prompt, completion: completion)
        } else {
            usage = .estimated(promptTexts: chat.messageTexts, answer: summary.text)
        }
        return RequestOutcome(
            facts: facts, started: started, firstByte: firstByte, usage: usage, pricing: backend.pricing, active: active,
            promptBytes: chat.messageTexts.reduce(0) { $0 + $1.utf8.count })
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
