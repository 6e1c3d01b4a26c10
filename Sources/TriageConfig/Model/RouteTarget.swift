/// Where a rule sends a request (`route:`).
public enum RouteTarget: Sendable, Equatable {
    /// A named backend from `backends:`.
    case backend(String)
    /// Automatic choice (`route: auto`): the classifier picks ``AutoRouteConfig/localBackend`` or
    /// ``AutoRouteConfig/remoteBackend`` when `auto.remote` is set, else ``AutoRouteConfig/defaultBackend``.
    case auto
}
