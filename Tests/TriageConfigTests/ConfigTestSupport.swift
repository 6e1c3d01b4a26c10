import TriageConfig

/// Parses `yaml` (a config expected to be valid) as `good.yaml`.
func parse(_ yaml: String) throws -> RoutesConfig {
    try ConfigLoader.parse(yaml: yaml, sourceName: "good.yaml")
}

/// Parses `yaml` as `bad.yaml` and returns the error's description, or a marker if it parsed.
func errorText(_ yaml: String) -> String {
    do {
        _ = try ConfigLoader.parse(yaml: yaml, sourceName: "bad.yaml")
        return "<parsed without error>"
    } catch {
        return error.description
    }
}

/// The start of a config whose first backend is `local` (lines 1-4); append its other members,
/// more backends and sections.
let localBackend = """
backends:
  - name: local
    base_url: http://127.0.0.1:8000/v1
    model: small

"""

/// Two backends (`local` lines 2-4, `remote` lines 5-8) and `auto`; append rules.
let twoBackends = """
backends:
  - name: local
    base_url: http://127.0.0.1:8000/v1
    model: small
  - name: remote
    base_url: https://api.openai.com/v1/
    model: gpt-4o
    api_key_env: OPENAI_API_KEY
auto: {default_backend: local}

"""
