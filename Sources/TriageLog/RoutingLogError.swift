/// Errors of the routing log.
public enum RoutingLogError: Error, CustomStringConvertible, Sendable {
    /// The log file (or its directory) could not be opened for appending.
    case cannotOpen(path: String, reason: String)
    /// The log file could not be read.
    case cannotRead(path: String, reason: String)
    /// The log could not be rotated.
    case cannotRotate(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open routing log '\(path)' for appending: \(reason) (set log.path in routes.yaml to a writable file)"
        case .cannotRead(let path, let reason):
            return "cannot read routing log '\(path)': \(reason)"
        case .cannotRotate(let path, let reason):
            return "cannot rotate routing log '\(path)': \(reason)"
        }
    }
}
