import TriageConfig
import TriageServer
import TriageUpstream

/// Sends held-out items to a backend, a bounded number at a time, and scores each answer
/// against its reference (and through the judge, when there is one).
public struct EvalRunner: Sendable {
    public let backend: BackendConfig
    public let judge: ShadowJudge?
    public let concurrency: Int
    /// `max_tokens` asked of the backend; `nil`: the backend's default.
    public let maxTokens: Int?
    private let client: any UpstreamTransport
    private let caller: BackendCaller

    public init(client: any UpstreamTransport, config: RoutesConfig, backend: BackendConfig, judge: ShadowJudge?, concurrency: Int, maxTokens: Int?, environment: [String: String]) {
        self.client = client
        self.caller = BackendCaller(transport: client, backends: config.backends, environment: environment)
        self.backend = backend
        self.judge = judge
        self.concurrency = max(1, concurrency)
        self.maxTokens = maxTokens
    }

    /// The items of `finished` to keep: answered ones of these items (a failed call is tried again).
    public static func reusable(_ finished: [String: EvalOutcome], items: [EvalItem]) -> [String: EvalOutcome] {
        let ids = Set(items.map(\.id))
        return finished.filter { id, outcome in ids.contains(id) && outcome.error == nil }
    }

    /// Runs the items without an answered outcome in `finished`, appending each outcome to
    /// `progress` as it comes and calling `onOutcome(done, total, outcome)`; returns every
    /// item's outcome in item order.
    public func run(
        _ items: [EvalItem], finished: [String: EvalOutcome], progress: EvalProgress,
        onOutcome: (Int, Int, EvalOutcome) -> Void
    ) async -> [EvalOutcome] {
        var outcomes = Self.reusable(finished, items: items)
        let pending = items.filter { outcomes[$0.id] == nil }
        var done = outcomes.count
        await withTaskGroup(of: EvalOutcome.self) { group in
            var next = pending.makeIterator()
            for _ in 0..<concurrency {
                guard let item = next.next() else { break }
                group.addTask { await evaluate(item) }
            }
            while let outcome = await group.next() {
                progress.append(outcome)
                outcomes[outcome.id] = outcome
                done += 1
                onOutcome(done, items.count, outcome)
                if let item = next.next() {
                    group.addTask { await evaluate(item) }
                }
            }
        }
        return items.compactMap { outcomes[$0.id] }
    }

    /// Asks the backend for one item's answer and scores it.
    public func evaluate(_ item: EvalItem) async -> EvalOutcome {
        let answer = await caller.complete(messages: item.messages, backend: backend, maxTokens: maxTokens, temperature: 0)
        guard let text = answer.text else {
            return EvalOutcome(
                id: item.id, error: answer.error ?? "no answer", exact: false, f1: 0, latencyMs: answer.latencyMs.rounded(),
                promptTokens: 0, completionTokens: 0, answer: ""
            )
        }
        var outcome = EvalOutcome(
            id: item.id, error: nil, exact: AnswerMatch.exact(text, item.reference), f1: AnswerMatch.f1(text, item.reference),
            latencyMs: answer.latencyMs.rounded(), promptTokens: answer.promptTokens, completionTokens: answer.completionTokens, answer: text
        )
        if let judge {
            let grade = await judge.grade(JudgeRequest(id: item.id, messages: item.messages, localAnswer: text, referenceAnswer: item.reference), transport: client)
            outcome.judgeOutcome = grade?.outcome
            outcome.judgeError = grade?.error
        }
        return outcome
    }
}
