/// Settings for automatic routing (`auto: {default_backend: local}`).
public struct AutoRouteConfig: Sendable, Equatable {
    /// Backend used for `route: auto` (until a classifier exists) and when no rule
    /// matches (`default_backend`, required). Always names an existing backend.
    public var defaultBackend: String

    /// Creates an auto-routing configuration.
    public init(defaultBackend: String) {
        self.defaultBackend = defaultBackend
    }
}
