import Foundation
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=disable` URL, read into a client
/// configuration. The password never appears in a description or an error.
public struct PostgresURL: Sendable {
    public let configuration: PostgresClient.Configuration
    /// `host:port/database`, without credentials: safe for logs and status.
    public let redacted: String

    /// - Throws: ``PostgresStoreError/badURL(_:)`` (with the reason, never the URL itself).
    public init(_ text: String) throws(PostgresStoreError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql" else {
            throw .badURL("expected postgres://user[:password]@host[:port]/database")
        }
        guard let host = components.host, !host.isEmpty else { throw .badURL("the URL names no host") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw .badURL("the URL names no database (postgres://host/DATABASE)") }
        let user = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let password = components.password.flatMap { $0.removingPercentEncoding }
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw .badURL("sslmode must be disable, prefer or require, got '\(mode)'")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(3)
        configuration.options.maximumConnections = 8
        configuration.options.additionalStartupParameters = [("application_name", "triage")]
        self.configuration = configuration
        self.redacted = "\(host):\(components.port ?? 5432)/\(database)"
    }
}

/// Why the database could not be used.
public enum PostgresStoreError: Error, CustomStringConvertible, Sendable {
    case badURL(String)
    case missingURL(variable: String)
    case badTable(String)
    case database(String)

    public var description: String {
        switch self {
        case .badURL(let reason): return "the database URL is not usable: \(reason)"
        case .missingURL(let variable):
            return "log.sink is postgres but the environment variable \(variable) (log.url_env) is not set; set it to postgres://user:password@host:5432/database"
        case .badTable(let name): return "'\(name)' is not a usable table name (a-z, 0-9, _)"
        case .database(let message): return message
        }
    }

    /// A database error in words: the server's message and SQL state when there is one.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                return "\(message) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "?"))"
            }
            return "\(error.code)"
        }
        return "\(error)"
    }
}
