/// One upstream model backend (an entry of `backends:`).
public struct BackendConfig: Sendable, Equatable {
    /// Unique name used by rules (`name`, required). Never `auto`.
    public var name: String
    /// Wire protocol (`kind`, default `openai`).
    public var kind: BackendKind
    /// API root (`base_url`, required), `http://` or `https://`, stored without a
    /// trailing slash. Chat requests go to `baseURL + "/chat/completions"`.
    public var baseURL: String
    /// Model name sent upstream (`model`, required).
    public var model: String
    /// NAME of the environment variable holding the API key (`api_key_env`), or
    /// `nil` when the backend needs no key. Never the key itself.
    public var apiKeyEnv: String?
    /// Upstream timeouts (`timeouts`).
    public var timeouts: BackendTimeouts
    /// Token prices used for cost accounting (`price`).
    public var pricing: BackendPricing
    /// Backend tried next when an attempt here fails before the answer starts (`fallback`).
    public var fallback: String?
    /// Which failures are retried, and how many attempts in all (`retry`).
    public var retry: RetryPolicy
    /// Circuit breaker settings (`breaker`).
    public var breaker: BreakerConfig
    /// Most requests in flight to this backend at once (`max_concurrent`); more get HTTP 429
    /// with `retry-after`, or go to the fallback. `nil`: no limit.
    public var maxConcurrent: Int?
    /// Most transfers (so connections) to this backend at once (`max_connections`, default
    /// 64). Triage queues the requests beyond it itself, before they reach libcurl, for up to
    /// `timeouts.queue` seconds: the wait never counts as connecting. With `max_concurrent` at
    /// or below it, nothing ever waits (the extra requests get 429 or the fallback at once).
    public var maxConnections: Int
    /// Forward the client's own `Authorization` header to this backend when it has no
    /// `api_key_env` (`forward_client_auth`, default false).
    public var forwardClientAuth: Bool
    /// The `anthropic-version` header sent to `kind: anthropic` backends (`anthropic_version`,
    /// default `2023-06-01`).
    public var anthropicVersion: String
    /// Ask this OpenAI-compatible backend for token usage on streamed answers
    /// (`stream_usage`, default true): Triage adds `stream_options.include_usage` when the
    /// client did not, logs the backend's exact counts, and removes the extra usage chunk from
    /// what the client receives. A backend that refuses the option is asked again without it and
    /// remembered; turning this off skips that first try.
    public var streamUsage: Bool
    /// `remote`: whether requests sent here leave the premises; `nil`: decided from the host
    /// of `base_url` (see ``isRemote``).
    public var remote: Bool?
    /// This OpenAI backend serves the Responses API (`responses`, default false): `/v1/responses`
    /// requests are passed through to it; otherwise they are translated to chat completions.
    public var responses = false
    /// 1-based line in the source file where this backend's entry starts (0 if built in code).
    public var line: Int

    /// Creates a backend configuration.
    public init(
        name: String,
        kind: BackendKind = .openai,
        baseURL: String,
        model: String,
        apiKeyEnv: String? = nil,
        timeouts: BackendTimeouts = BackendTimeouts(),
        pricing: BackendPricing = BackendPricing(),
        fallback: String? = nil,
        retry: RetryPolicy = RetryPolicy(),
        breaker: BreakerConfig = BreakerConfig(),
        maxConcurrent: Int? = nil,
        maxConnections: Int = BackendConfig.defaultMaxConnections,
        forwardClientAuth: Bool = false,
        anthropicVersion: String = BackendConfig.defaultAnthropicVersion,
        streamUsage: Bool = true,
        remote: Bool? = nil,
        line: Int = 0
    ) {
        self.name = name
        self.kind = kind
        self.baseURL = baseURL
        self.model = model
        self.apiKeyEnv = apiKeyEnv
        self.timeouts = timeouts
        self.pricing = pricing
        self.fallback = fallback
        self.retry = retry
        self.breaker = breaker
        self.maxConcurrent = maxConcurrent
        self.maxConnections = maxConnections
        self.forwardClientAuth = forwardClientAuth
        self.anthropicVersion = anthropicVersion
        self.streamUsage = streamUsage
        self.remote = remote
        self.line = line
    }

    /// The full Chat Completions endpoint: `baseURL + "/chat/completions"`.
    public var chatCompletionsURL: String { baseURL + "/chat/completions" }

    /// The legacy text completions endpoint: `baseURL + "/completions"`.
    public var completionsURL: String { baseURL + "/completions" }

    /// Anthropic's Messages endpoint: `baseURL + "/messages"`.
    public var messagesURL: String { baseURL + "/messages" }

    /// The Responses API endpoint: `baseURL + "/responses"`.
    public var responsesURL: String { baseURL + "/responses" }

    /// The embeddings endpoint: `baseURL + "/embeddings"`.
    public var embeddingsURL: String { baseURL + "/embeddings" }

    /// `max_connections` when it is not set.
    public static let defaultMaxConnections = 64

    /// The Anthropic API version sent when `anthropic_version` is not set.
    public static let defaultAnthropicVersion = "2023-06-01"
}
