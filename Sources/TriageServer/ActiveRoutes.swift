import Foundation
import Synchronization
import TriageConfig
import TriageRouting

/// The configuration in force: the parsed routes, the router built from them, and each
/// backend's API key read from the environment variable its `api_key_env` names.
///
/// Keys are read once, when the configuration is activated, never from routes.yaml, and are
/// never part of any description, log line or error message.
struct ActiveRoutes: Sendable {
    let config: RoutesConfig
    let router: Router
    private let apiKeys: [String: String]

    init(config: RoutesConfig, environment: [String: String]) {
        self.config = config
        self.router = Router(config: config)
        var keys: [String: String] = [:]
        for backend in config.backends {
            if let variable = backend.apiKeyEnv, let key = environment[variable], !key.isEmpty {
                keys[backend.name] = key
            }
        }
        self.apiKeys = keys
    }

    /// The API key for a backend; `nil` when it needs none or its variable is unset.
    func apiKey(for backend: String) -> String? { apiKeys[backend] }
}

/// Holds the ``ActiveRoutes`` in force; each request takes a snapshot when it starts.
final class RoutesStore: Sendable {
    private let current: Mutex<ActiveRoutes>

    init(_ routes: ActiveRoutes) {
        self.current = Mutex(routes)
    }

    /// The configuration in force now.
    var snapshot: ActiveRoutes { current.withLock { $0 } }

    /// Puts a new configuration in force for requests that start from now on.
    func replace(with routes: ActiveRoutes) {
        current.withLock { $0 = routes }
    }
}
