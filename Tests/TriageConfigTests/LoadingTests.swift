import Foundation
import Testing
@testable import TriageConfig

@Suite("Loading good files")
struct LoadingTests {
    static let shippedPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("../../routes.yaml").standardizedFileURL.path

    @Test("the shipped routes.yaml loads with the documented values")
    func shippedFile() throws {
        let config = try ConfigLoader.load(path: Self.shippedPath)
        #expect(config.sourcePath == Self.shippedPath)
        #expect(config.listen == ListenConfig(host: "127.0.0.1", port: 8080))
        #expect(config.limits.maxBodyBytes == 4 * 1024 * 1024)
        #expect(config.log.path == "logs/routing.jsonl")
        #expect(config.models == ["triage"])
        #expect(config.backends.map(\.name) == ["local", "remote"])
        #expect(config.auto.defaultBackend == "local")

        let local = try #require(config.backend(named: "local"))
        #expect(local.baseURL == "http://127.0.0.1:8000/v1")
        #expect(local.chatCompletionsURL == "http://127.0.0.1:8000/v1/chat/completions")
        #expect(local.apiKeyEnv == nil)
        #expect(local.pricing == BackendPricing(inputPerMillion: 0, outputPerMillion: 0))

        let remote = try #require(config.backend(named: "remote"))
        #expect(remote.kind == .openai)
        #expect(remote.baseURL == "https://api.openai.com/v1")
        #expect(remote.model == "gpt-4o")
        #expect(remote.apiKeyEnv == "OPENAI_API_KEY")
        #expect(remote.pricing == BackendPricing(inputPerMillion: 2.5, outputPerMillion: 10))
        #expect(remote.timeouts == BackendTimeouts(connect: 10, total: 600, idle: 120))

        #expect(config.rules.map(\.name) == [
            "header-remote", "header-local", "code-or-proof-to-remote", "long-prompt-to-remote", "default",
        ])
        #expect(config.rules.map(\.route) == [.backend("remote"), .backend("local"), .backend("remote"), .backend("remote"), .auto])
        #expect(config.rules[0].match.header == HeaderMatch(name: "x-triage-backend", value: "remote"))
        let pattern = try #require(config.rules[2].match.lastUserMessage)
        #expect(pattern.matches("Fix this:\n```swift\nlet x = 1\n```"))
        #expect(pattern.matches("Give a Step by Step Proof that √2 is irrational"))
        #expect(!pattern.matches("hello"))
        #expect(config.rules[3].match.promptTokensAbove == 6000)
        #expect(config.rules[4].match.always)
    }

    @Test("a minimal file gets every default")
    func minimalFileDefaults() throws {
        let config = try ConfigLoader.parse(yaml: """
        backends:
          - name: local
            base_url: http://localhost:8000/v1/
            model: small
        auto:
          default_backend: local
        """, sourceName: "min.yaml")
        #expect(config.sourcePath == "min.yaml")
        #expect(config.listen == ListenConfig(host: "127.0.0.1", port: 8080))
        #expect(config.limits.maxBodyBytes == 4_194_304)
        #expect(config.log.path == "logs/routing.jsonl")
        #expect(config.models == ["triage"])
        #expect(config.rules.isEmpty)
        let backend = try #require(config.backends.first)
        #expect(backend.kind == .openai)
        #expect(backend.baseURL == "http://localhost:8000/v1")
        #expect(backend.apiKeyEnv == nil)
        #expect(backend.timeouts == BackendTimeouts(connect: 5, total: 300, idle: 60))
        #expect(backend.pricing == BackendPricing(inputPerMillion: 0, outputPerMillion: 0))
        #expect(backend.line == 2)
    }

    @Test("rule fields: default name, line, model string or list, header lowercased, token bounds")
    func ruleFields() throws {
        let config = try ConfigLoader.parse(yaml: twoBackends + """
        rules:
          - match: {model: gpt-4o}
            route: remote
          - name: team
            match:
              model: [a, b]
              header: {name: X-Team}
              prompt_tokens_above: 10
              prompt_tokens_below: 20
            route: auto
        """, sourceName: "ok.yaml")
        #expect(config.rules.count == 2)
        #expect(config.rules[0].name == "rules[0]")
        #expect(config.rules[0].line == 11)
        #expect(config.rules[0].match.models == ["gpt-4o"])
        #expect(config.rules[1].name == "team")
        #expect(config.rules[1].line == 13)
        #expect(config.rules[1].match.models == ["a", "b"])
        #expect(config.rules[1].match.header == HeaderMatch(name: "x-team", value: nil))
        #expect(config.rules[1].match.promptTokensAbove == 10)
        #expect(config.rules[1].match.promptTokensBelow == 20)
        #expect(config.rules[1].route == .auto)
    }

    @Test("a missing file is unreadable")
    func missingFile() {
        #expect(throws: ConfigError.unreadable(path: "/nonexistent/routes.yaml", reason: "no such file (pass the path to your routes.yaml)")) {
            try ConfigLoader.load(path: "/nonexistent/routes.yaml")
        }
    }

    @Test("cost is per million tokens")
    func pricingCost() {
        let pricing = BackendPricing(inputPerMillion: 2.5, outputPerMillion: 10)
        #expect(pricing.cost(inputTokens: 1_000_000, outputTokens: 0) == 2.5)
        #expect(abs(pricing.cost(inputTokens: 1000, outputTokens: 500) - 0.0075) < 1e-12)
        #expect(BackendPricing().cost(inputTokens: 123, outputTokens: 456) == 0)
    }
}
