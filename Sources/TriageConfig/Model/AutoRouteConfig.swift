/// Settings for automatic routing (`auto:`).
///
/// Without `remote`, `route: auto` simply goes to `default_backend`. With `remote`, the
/// classifier decides: a prompt goes to `local` when its distribution fit (similarity to the
/// `reference` prompts the local model was fine-tuned on) is at least `min_fit` and its
/// complexity is at most `max_complexity`; otherwise to `remote`.
public struct AutoRouteConfig: Sendable, Equatable {
    /// Backend used for `route: auto` when the classifier is off, and when no rule matches
    /// (`default_backend`, required). Always names an existing backend.
    public var defaultBackend: String
    /// Backend for routine prompts when the classifier is on (`local`, default `default_backend`).
    public var localBackend: String?
    /// Backend for edge cases (`remote`); setting it turns the classifier on.
    public var remoteBackend: String?
    /// JSONL file of the local model's fine-tuning prompts (`reference`), OpenAI chat
    /// fine-tuning format or `{"prompt": ...}` lines. Without it only complexity decides.
    public var referencePath: String?
    /// Weights for the complexity model written by `triage train` (`complexity_weights`);
    /// when absent the bundled default weights are used. `triage train` writes here.
    public var complexityWeightsPath: String?
    /// Lowest calibrated fit that stays local (`min_fit`, 0...1, default 0.05): 0.05 escalates
    /// prompts less typical than the 5% least typical held-out reference prompts.
    public var minFit: Double
    /// Highest complexity probability that stays local (`max_complexity`, 0...1, default 0.5).
    public var maxComplexity: Double
    /// Where the built reference index is cached, keyed by the reference file's content
    /// (`cache_dir`, default `.triage-cache`).
    public var cacheDirectory: String

    /// Creates an auto-routing configuration.
    public init(
        defaultBackend: String, localBackend: String? = nil, remoteBackend: String? = nil, referencePath: String? = nil,
        complexityWeightsPath: String? = nil, minFit: Double = 0.05, maxComplexity: Double = 0.5, cacheDirectory: String = ".triage-cache"
    ) {
        self.defaultBackend = defaultBackend
        self.localBackend = localBackend
        self.remoteBackend = remoteBackend
        self.referencePath = referencePath
        self.complexityWeightsPath = complexityWeightsPath
        self.minFit = minFit
        self.maxComplexity = maxComplexity
        self.cacheDirectory = cacheDirectory
    }

    /// Whether the classifier decides `route: auto`.
    public var classifierEnabled: Bool { remoteBackend != nil }

    /// The backend for routine prompts: `local`, or `default_backend`.
    public var routineBackend: String { localBackend ?? defaultBackend }
}
