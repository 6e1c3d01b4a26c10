/// Why a configuration could not be loaded.
public enum ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file could not be read at all.
    case unreadable(path: String, reason: String)
    /// The file was read but has problems: all of them, in file order.
    case invalid([ConfigIssue])

    /// A message for the user; for ``invalid(_:)`` one issue per line.
    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read configuration: \(reason)"
        case let .invalid(issues):
            return issues.map(\.description).joined(separator: "\n")
        }
    }

    /// The located problems (empty for ``unreadable(path:reason:)``).
    public var issues: [ConfigIssue] {
        if case let .invalid(issues) = self { return issues }
        return []
    }
}
