/// One problem found in a configuration file, located by file, line and field.
///
/// Its description reads like a compiler diagnostic:
/// `routes.yaml:14: rules[2].route: unknown backend 'remot' (known: local, remote)`.
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible {
    /// The configuration file, exactly as the user gave its path.
    public var file: String
    /// 1-based line number.
    public var line: Int
    /// Dotted path of the offending field, e.g. `backends[1].base_url` (0-based
    /// indexes); empty for problems not tied to a field, such as YAML syntax errors.
    public var field: String
    /// What is wrong and, where useful, how to fix it.
    public var message: String

    /// Creates an issue.
    public init(file: String, line: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `file:line: field: message`, or `file:line: message` when `field` is empty.
    public var description: String {
        field.isEmpty ? "\(file):\(line): \(message)" : "\(file):\(line): \(field): \(message)"
    }
}
