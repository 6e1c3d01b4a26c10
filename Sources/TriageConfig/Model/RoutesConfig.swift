/// The whole routing configuration, as loaded from `routes.yaml`.
///
/// Values produced by ``ConfigLoader`` are validated: backend names are unique,
/// there is at least one backend, and every backend referenced by a rule or by
/// ``auto`` exists.
public struct RoutesConfig: Sendable, Equatable {
    /// The file the configuration came from, as given by the user (used in messages).
    public var sourcePath: String
    /// Where the proxy listens for client requests (`listen:`).
    public var listen: ListenConfig
    /// Request limits (`limits:`).
    public var limits: LimitsConfig
    /// The routing decision log (`log:`).
    public var log: RoutingLogConfig
    /// Virtual model ids the proxy offers at `GET /v1/models` (`models:`). Non-empty and unique.
    public var models: [String]
    /// The upstream backends, in file order (`backends:`). Names are unique; at least one.
    public var backends: [BackendConfig]
    /// Routing rules in file order (`rules:`); the first matching rule wins. May be empty.
    public var rules: [RuleConfig]
    /// Settings for `route: auto` and for requests that match no rule (`auto:`).
    public var auto: AutoRouteConfig
    /// Client authentication (`auth:`); off by default.
    public var auth: AuthConfig
    /// Graceful shutdown (`shutdown:`).
    public var shutdown: ShutdownConfig
    /// Shadow comparisons (`shadow:`); off when absent.
    public var shadow: ShadowConfig?
    /// `triage report` settings (`report:`).
    public var report: ReportConfig
    /// `triage eval` settings (`eval:`).
    public var eval: EvalConfig
    /// Sensitive data detection and its policy (`privacy:`); detection only by default.
    public var privacy = PrivacyConfig()
    /// The dashboard (`ui:`).
    public var ui: UIConfig
    /// OpenTelemetry traces (`telemetry:`); off when absent. Read at start-up only.
    public var telemetry: TelemetryConfig? = nil

    /// Creates a configuration. Prefer ``ConfigLoader/load(path:)``, which validates.
    public init(
        sourcePath: String = "routes.yaml",
        listen: ListenConfig = ListenConfig(),
        limits: LimitsConfig = LimitsConfig(),
        log: RoutingLogConfig = RoutingLogConfig(),
        models: [String] = RoutesConfig.defaultModels,
        backends: [BackendConfig],
        rules: [RuleConfig] = [],
        auto: AutoRouteConfig,
        auth: AuthConfig = AuthConfig(),
        shutdown: ShutdownConfig = ShutdownConfig(),
        shadow: ShadowConfig? = nil,
        report: ReportConfig = ReportConfig(),
        eval: EvalConfig = EvalConfig(),
        ui: UIConfig = UIConfig()
    ) {
        self.sourcePath = sourcePath
        self.listen = listen
        self.limits = limits
        self.log = log
        self.models = models
        self.backends = backends
        self.rules = rules
        self.auto = auto
        self.auth = auth
        self.shutdown = shutdown
        self.shadow = shadow
        self.report = report
        self.eval = eval
        self.ui = ui
    }

    /// The model ids offered when `models:` is absent: `["triage"]`.
    public static let defaultModels = ["triage"]

    /// Returns the backend called `name`, or `nil` if there is none.
    public func backend(named name: String) -> BackendConfig? {
        backends.first { $0.name == name }
    }
}
