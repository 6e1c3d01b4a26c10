/// The LLM judge of shadow copies (`shadow.judge: {backend, rubric?, sample_rate?, daily_cap_usd, prompt?}`).
///
/// When a shadow copy succeeds, `backend` compares the local answer with the shadow (remote)
/// one, pairwise and in both orders, in the background; the grade goes into the routing log
/// record beside the word-set agreement.
public struct JudgeConfig: Sendable, Equatable {
    /// The backend that judges (`backend`).
    public var backend: String
    /// Extra grading instructions put into the prompt's `{{rubric}}` (`rubric`); `nil`: the prompt's default.
    public var rubric: String?
    /// Fraction of successful shadow copies that are judged, 0...1 (`sample_rate`, default 1).
    public var sampleRate: Double
    /// Most USD spent on judging per UTC day (`daily_cap_usd`, required: a judge is paid per call).
    public var dailyCapUSD: Double
    /// A prompt file replacing the shipped one (`prompt`), as written in routes.yaml.
    public var promptPath: String?

    /// Creates a judge configuration.
    public init(backend: String, rubric: String? = nil, sampleRate: Double = 1, dailyCapUSD: Double, promptPath: String? = nil) {
        self.backend = backend
        self.rubric = rubric
        self.sampleRate = sampleRate
        self.dailyCapUSD = dailyCapUSD
        self.promptPath = promptPath
    }
}
