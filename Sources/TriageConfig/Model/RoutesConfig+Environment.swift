extension RoutesConfig {
    /// Non-fatal problems that depend on the runtime environment.
    ///
    /// Currently: backends whose `api_key_env` variable is unset or empty in
    /// `environment`. This is a warning rather than an error because local
    /// backends often need no key. Messages name the variable, never its value.
    ///
    /// - Parameter environment: Usually `ProcessInfo.processInfo.environment`.
    /// - Returns: One issue per affected backend, in file order.
    public func warnings(environment: [String: String]) -> [ConfigIssue] {
        backends.enumerated().compactMap { index, backend in
            guard let variable = backend.apiKeyEnv else { return nil }
            if let value = environment[variable], !value.isEmpty { return nil }
            return ConfigIssue(
                file: sourcePath,
                line: backend.line,
                field: "backends[\(index)].api_key_env",
                message: "environment variable '\(variable)' is not set; requests to backend '\(backend.name)' will fail with HTTP 502 (backend_api_key_missing) until it is set"
            )
        }
    }
}
