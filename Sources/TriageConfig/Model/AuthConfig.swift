/// Client authentication (`auth: {client_keys_env: [TRIAGE_CLIENT_KEYS]}`).
///
/// When any variable is named, every API route but `/healthz` requires
/// `Authorization: Bearer KEY` (or `x-api-key: KEY`) with a key from those variables.
/// Each variable holds one key or several separated by commas. Keys never appear in routes.yaml.
public struct AuthConfig: Sendable, Equatable {
    /// Names of the environment variables holding accepted client keys (`client_keys_env`).
    public var clientKeysEnv: [String]

    /// Creates an auth configuration; no variables means no authentication.
    public init(clientKeysEnv: [String] = []) {
        self.clientKeysEnv = clientKeysEnv
    }

    /// Whether clients must present a key.
    public var isEnabled: Bool { !clientKeysEnv.isEmpty }
}
