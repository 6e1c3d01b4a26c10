import Foundation

/// Loads and validates `routes.yaml`.
///
/// All problems are collected and reported together, each located by
/// `file:line: field:` (see ``ConfigIssue``), in file order.
public enum ConfigLoader {
    /// Reads and validates the configuration file at `path`.
    ///
    /// - Parameter path: Path to the YAML file; kept as given in
    ///   ``RoutesConfig/sourcePath`` and in every ``ConfigIssue/file``.
    /// - Throws: ``ConfigError/unreadable(path:reason:)`` if the file cannot be
    ///   read, ``ConfigError/invalid(_:)`` with every problem found otherwise.
    public static func load(path: String) throws(ConfigError) -> RoutesConfig {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file (pass the path to your routes.yaml)")
        }
        guard !isDirectory.boolValue else {
            throw .unreadable(path: path, reason: "is a directory, expected a YAML file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "not valid UTF-8 text")
        }
        return try parse(yaml: text, sourceName: path)
    }

    /// Parses and validates configuration text.
    ///
    /// - Parameters:
    ///   - yaml: The YAML document.
    ///   - sourceName: Name used for ``RoutesConfig/sourcePath`` and in messages.
    /// - Throws: ``ConfigError/invalid(_:)`` with every problem found, in file order.
    public static func parse(yaml: String, sourceName: String) throws(ConfigError) -> RoutesConfig {
        var parser = ConfigParser(sourceName: sourceName)
        let config = parser.parse(yaml)
        let issues = parser.sortedIssues
        guard issues.isEmpty, let config else {
            throw .invalid(issues)
        }
        return config
    }
}
