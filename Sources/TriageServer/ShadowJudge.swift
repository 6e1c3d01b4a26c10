import Foundation
import TriageConfig
import TriageFlywheel
import TriageJSON
import TriageJudge
import TriageLog
import TriagePostgres
import TriageRouting
import TriageUpstream

/// What the judge is asked about: one conversation and its two answers.
public struct JudgeRequest: Sendable {
    /// The request id (decides the judge's sample) or, for `triage eval`, the item id.
    public var id: String
    /// The conversation as the client sent it (OpenAI chat form), up to the answer.
    public var messages: JSONValue
    /// The answer under test (the local backend's, or the eval candidate's).
    public var localAnswer: String
    /// The reference answer (the shadow backend's, or the eval data's).
    public var referenceAnswer: String

    public init(id: String, messages: JSONValue, localAnswer: String, referenceAnswer: String) {
        self.id = id
        self.messages = messages
        self.localAnswer = localAnswer
        self.referenceAnswer = referenceAnswer
    }
}

/// The LLM judge (`shadow.judge`): grades a local answer against a reference, pairwise and
/// position-swapped, MT-Bench style, with its own sample and daily spend cap.
///
/// ``grade(_:client:)`` is the only way a conversation reaches the judge backend: a check on
/// what may leave Triage belongs there.
public final class ShadowJudge: Sendable {
    /// Most tokens the judge may write per order.
    static let maxJudgeTokens = 512
    /// Budget name of the judge's spend in the shared counter rows (`<table>_budget`).
    public static let budgetName = "judge"

    public let backend: BackendConfig
    public let prompt: JudgePrompt
    let rubric: String?
    let sampler: ShadowSampler
    let keys: [String: String]

    /// Builds the judge of `config` (`shadow.judge`), its prompt loaded (the shipped one, or
    /// `prompt:`), its backend key read from `environment`; `nil` when there is no judge.
    /// - Parameter ignoringCap: for `triage eval`, which judges every item it is asked to.
    public static func make(config: RoutesConfig, environment: [String: String], backendOverride: String? = nil, ignoringCap: Bool = false) throws(JudgePromptError) -> ShadowJudge? {
        let judge = config.shadow?.judge
        guard let name = backendOverride ?? judge?.backend, let backend = config.backend(named: name) else { return nil }
        let prompt = try JudgePrompt.load(path: judge?.promptPath)
        let key = backend.apiKeyEnv.flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : $0 }
        let rate = ignoringCap ? 1 : judge?.sampleRate ?? 1
        let cap = ignoringCap ? nil : judge?.dailyCapUSD
        guard let sampler = try? ShadowSampler(rate: rate, dailyCapUSD: cap) else { return nil }
        return ShadowJudge(backend: backend, prompt: prompt, rubric: judge?.rubric, sampler: sampler, keys: key.map { [backend.name: $0] } ?? [:])
    }

    init(backend: BackendConfig, prompt: JudgePrompt, rubric: String?, sampler: ShadowSampler, keys: [String: String]) {
        self.backend = backend
        self.prompt = prompt
        self.rubric = rubric
        self.sampler = sampler
        self.keys = keys
    }

    /// Grades `request`: both orders, one after the other. `nil` when the request is not in the
    /// judge's sample; a grade without `outcome` (and with the reason) when the judge could not
    /// be asked (daily cap, backend error) or its reply had no verdict.
    /// - Parameter sharedBudget: the replicas' shared database (`log.sink: postgres`): the daily
    ///   cap is then spent once across every replica, through the same counter row per UTC day
    ///   and backend as the shadow cap (budget `judge`), on top of this process's own count.
    public func grade(_ request: JudgeRequest, transport: any UpstreamTransport, sharedBudget: PostgresBudget? = nil) async -> RoutingLogRecord.Judgement? {
        let question = Self.transcript(request.messages)
        let orders = [
            prompt.messages(question: question, answerA: request.referenceAnswer, answerB: request.localAnswer, rubric: rubric),
            prompt.messages(question: question, answerA: request.localAnswer, answerB: request.referenceAnswer, rubric: rubric),
        ]
        let promptTokens = orders.map { order in order.map { TokenEstimator.estimate($0.content) }.reduce(0, +) }.reduce(0, +)
        let estimate = backend.pricing.cost(inputTokens: promptTokens, outputTokens: 2 * Self.maxJudgeTokens)
        var grade = RoutingLogRecord.Judgement(
            backend: backend.name, promptVersion: prompt.versionID, outcome: nil, verdicts: [], error: nil, latencyMs: 0, costUSD: nil
        )
        let reserved: Double
        switch sampler.shouldShadow(requestID: request.id + "/judge", estimatedCostUSD: estimate) {
        case .notSampled:
            return nil
        case .overDailyCap(let spent, let cap):
            grade.error = "no grade: the judge's daily cap of \(cap) USD is reached (\(spent) USD spent or reserved today)"
            return grade
        case .shadow(let reservedUSD):
            reserved = reservedUSD
        }
        let sharedCap = sharedBudget.flatMap { budget in sampler.dailyCapUSD.map { (budget, $0) } }
        if case let (budget, cap)? = sharedCap {
            // A database that cannot be asked refuses: the spend stays within the cap.
            let granted = (try? await budget.reserve(Self.budgetName, backend: backend.name, amount: estimate, cap: cap)) ?? false
            guard granted else {
                sampler.recordSpend(0, releasing: reserved)
                let spent = (try? await budget.spent(Self.budgetName, backend: backend.name)) ?? cap
                grade.error = "no grade: the judge's daily cap of \(cap) USD is reached across replicas (\(spent) USD spent or reserved today)"
                return grade
            }
        }
        let caller = BackendCaller(transport: transport, keys: keys)
        var results: [PairwiseGrade.OrderResult] = []
        var cost = 0.0
        var latency = 0.0
        for order in orders {
            let messages = JSONValue.array(order.map { .object(["role": .string($0.role), "content": .string($0.content)]) })
            let answer = await caller.complete(messages: messages, backend: backend, maxTokens: Self.maxJudgeTokens, temperature: 0)
            cost += answer.costUSD
            latency += answer.latencyMs
            if let text = answer.text {
                results.append(PairwiseVerdict.parse(text))
            } else {
                results.append(.failure(VerdictParseFailure(reason: answer.error ?? "the judge gave no answer")))
            }
        }
        sampler.recordSpend(cost, releasing: reserved)
        if case let (budget, _)? = sharedCap {
            try? await budget.adjust(Self.budgetName, backend: backend.name, delta: cost - estimate)
        }
        let combined = PairwiseGrade.combine(remoteFirst: results[0], localFirst: results[1])
        grade.outcome = combined.outcome
        grade.verdicts = combined.verdicts
        grade.error = combined.error
        grade.latencyMs = latency.rounded()
        grade.costUSD = cost
        return grade
    }

    /// The conversation for `{{question}}`: a single user message as it is, else one
    /// `role: content` paragraph per message.
    static func transcript(_ messages: JSONValue) -> String {
        guard let conversation = Conversation(messages: messages) else { return messages.stringValue ?? "" }
        if conversation.messages.count == 1, let prompt = conversation.lastUserText { return prompt }
        return conversation.transcript
    }
}
