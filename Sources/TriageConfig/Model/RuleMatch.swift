/// The conditions of a rule (`match:`). Every present condition must hold (AND).
///
/// A validated match block has at least one condition.
public struct RuleMatch: Sendable, Equatable {
    /// `model`: the requested model must equal one of these (a string or a list in YAML).
    public var models: [String]?
    /// `header`: a request header must be present (and equal ``HeaderMatch/value`` if given).
    public var header: HeaderMatch?
    /// `last_user_message`: regular expression searched (not anchored) in the last user message.
    public var lastUserMessage: MessagePattern?
    /// `prompt_tokens_above`: estimated prompt tokens must be `> N`.
    public var promptTokensAbove: Int?
    /// `prompt_tokens_below`: estimated prompt tokens must be `< N`.
    public var promptTokensBelow: Int?
    /// `sensitive`: the request carries sensitive data (`any`, or a list of finding types).
    public var sensitive: SensitiveMatch?
    /// `always: true`: catch-all condition that always holds.
    public var always: Bool

    /// Creates a match block.
    public init(
        models: [String]? = nil,
        header: HeaderMatch? = nil,
        lastUserMessage: MessagePattern? = nil,
        promptTokensAbove: Int? = nil,
        promptTokensBelow: Int? = nil,
        always: Bool = false,
        sensitive: SensitiveMatch? = nil
    ) {
        self.sensitive = sensitive
        self.models = models
        self.header = header
        self.lastUserMessage = lastUserMessage
        self.promptTokensAbove = promptTokensAbove
        self.promptTokensBelow = promptTokensBelow
        self.always = always
    }

    /// True when no condition is set (such a block is rejected by validation).
    public var isEmpty: Bool {
        models == nil && header == nil && lastUserMessage == nil
            && promptTokensAbove == nil && promptTokensBelow == nil && !always && sensitive == nil
    }
}
