import Foundation
import TriageConfig
import TriageFlywheel
import TriageLog
import TriageRouting
import TriageUpstream

/// Shadow copies: a sampled answered request sent again to the shadow backend in the
/// background, graded by the judge, its record written when the copy ends.
extension RequestLifecycle {
    /// Sends a sampled copy of an answered request to the shadow backend in the background and
    /// appends `outcome` (with both answers) when the copy is done. The client never waits for it.
    /// Returns false when the request is not shadowed (the caller then appends the outcome).
    func startShadow(
        _ outcome: RequestOutcome, chat: ProxyRequest, answeredBy backend: BackendConfig, active: ActiveRoutes,
        clientHeaders: [String: String]
    ) -> Bool {
        let record = outcome.facts
        guard chat.api != .openAIEmbeddings, let shadow = active.shadow, shadow.backend.name != backend.name,
              (200..<300).contains(record.status) else { return false }
        // No copy of sensitive data to a remote shadow backend (the record says so: `shadow_skipped`).
        guard Self.privacyAllows(chat, backend: shadow.backend, active: active) else { return false }
        let usage = outcome.renderedUsage
        let estimate = shadow.backend.pricing.cost(inputTokens: usage?.promptTokens ?? 0, outputTokens: usage?.completionTokens ?? 0)
        guard case .shadow(let reserved) = shadow.sampler.shouldShadow(requestID: record.id, estimatedCostUSD: estimate) else { return false }
        let transport = self.transport
        let recorder = self.recorder
        let request: UpstreamRequest
        do {
            request = try makeUpstreamRequest(
                chat.nonStreaming(), backend: shadow.backend, active: active, clientHeaders: clientHeaders,
                deadline: .now + .seconds(Int64(shadow.backend.timeouts.total.rounded(.up)))
            )
        } catch {
            shadow.sampler.recordSpend(0, releasing: reserved)
            return false
        }
        recorder.heldBack.hold(outcome)
        Task.detached {
            var outcome = outcome
            let cap = active.config.shadow?.dailyCapUSD
            guard await recorder.reserveSharedShadow(backend: shadow.backend.name, estimate: estimate, cap: cap) else {
                shadow.sampler.recordSpend(0, releasing: reserved)
                if recorder.heldBack.release(record.id) { recorder.recordInBackground(outcome) }
                return
            }
            let started = ContinuousClock.now
            var result = RoutingLogRecord.Shadow(
                backend: shadow.backend.name, status: nil, response: nil, error: nil, latencyMs: 0, agreement: nil, costUSD: nil
            )
            do {
                let response = try await transport.execute(request)
                let body = try await response.body.collect(upTo: Self.maxResponseBytes)
                result.status = response.status
                if (200..<300).contains(response.status) {
                    var answer = BackendExchange.answer(body, contentType: response.header("content-type"), request: chat, backend: shadow.backend).summary
                    if let masking = Self.masking(for: chat, backend: shadow.backend, active: active) { answer.text = masking.restore(answer.text) }
                    result.response = answer.text
                    result.agreement = Self.agreement(record.response ?? "", answer.text)
                    let prompt = answer.promptTokens ?? usage?.promptTokens ?? 0
                    let completion = answer.completionTokens ?? TokenEstimator.estimate(answer.text)
                    result.costUSD = shadow.backend.pricing.cost(inputTokens: prompt, outputTokens: completion)
                } else {
                    result.error = "shadow backend answered HTTP \(response.status)"
                }
            } catch {
                result.error = active.redactor.redact("\(error)")
            }
            result.latencyMs = Self.milliseconds(since: started)
            shadow.sampler.recordSpend(result.costUSD ?? 0, releasing: reserved)
            // The judge sees the prompt and both answers unmasked: never a remote judge for sensitive data.
            if let judge = active.judge, let local = record.response, let remote = result.response, result.error == nil,
               let messages = record.messages, active.privacy.allows(backend: judge.backend, findings: chat.privacy?.findings ?? []) {
                result.judge = await judge.grade(JudgeRequest(id: record.id, messages: messages, localAnswer: local, referenceAnswer: remote), transport: transport, sharedBudget: recorder.database?.budget)
            }
            await recorder.settleSharedShadow(backend: shadow.backend.name, estimate: estimate, actual: result.costUSD ?? 0, cap: cap)
            outcome.facts.shadow = result
            if recorder.heldBack.release(record.id) {
                recorder.recordInBackground(outcome)
            }
        }
        return true
    }

    /// Agreement of two answers: the Jaccard similarity of their lowercased word sets.
    static func agreement(_ first: String, _ second: String) -> Double {
        func words(_ text: String) -> Set<Substring> {
            Set(text.lowercased().split { !$0.isLetter && !$0.isNumber })
        }
        let a = words(first), b = words(second)
        guard !a.isEmpty || !b.isEmpty else { return 1 }
        return Double(a.intersection(b).count) / Double(a.union(b).count)
    }
}
