/// Where a rule sends a request (`route:`).
public enum RouteTarget: Sendable, Equatable {
    /// A named backend from `backends:`.
    case backend(String)
    /// Automatic choice (`route: auto`): currently ``AutoRouteConfig/defaultBackend``.
    case auto
}
