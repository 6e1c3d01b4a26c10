import Testing
import TriageConfig

@Suite("Environment checks")
struct EnvironmentCheckTests {
    @Test("a backend whose api_key_env variable is unset or empty is reported, without any value")
    func unsetKeyVariable() throws {
        let config = try ConfigLoader.parse(yaml: twoBackends, sourceName: "routes.yaml")
        let expected = [
            "routes.yaml:5: backends[1].api_key_env: environment variable 'OPENAI_API_KEY' is not set; requests to backend 'remote' will fail with HTTP 502 (backend_api_key_missing) until it is set",
        ]
        #expect(config.warnings(environment: [:]).map(\.description) == expected)
        #expect(config.warnings(environment: ["OPENAI_API_KEY": ""]).map(\.description) == expected)
        #expect(config.warnings(environment: ["OPENAI_API_KEY": "sk-test"]).isEmpty)
    }
}
