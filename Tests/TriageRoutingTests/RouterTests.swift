import Testing
import TriageConfig
import TriageRouting
import TriageTestSupport

/// Builds a router over backends `local` (default) and `remote` with the given rules.
func makeRouter(rules: String) throws -> Router {
    let yaml = RoutesFixture.yaml(
        backends: [RoutesFixture.backend(model: "small"), RoutesFixture.backend("remote", url: "https://api.openai.com/v1", model: "gpt-4o")],
        rules: rules
    )
    let config = try ConfigLoader.parse(yaml: yaml, sourceName: "test.yaml")
    return Router(config: config)
}

func input(
    model: String = "triage", headers: [String: String] = [:], message: String = "hi", tokens: Int = 10
) -> RoutingInput {
    RoutingInput(model: model, headers: headers, lastUserMessage: message, estimatedPromptTokens: tokens)
}

@Suite("Router")
struct RouterTests {
    @Test("the first matching rule wins")
    func firstMatchWins() throws {
        let router = try makeRouter(rules: """
          - name: first
            match: {always: true}
            route: remote
          - name: second
            match: {always: true}
            route: local
        """)
        let decision = router.decide(input())
        #expect(decision.backend.name == "remote")
        #expect(decision.rule == "first")
        #expect(decision.reason == "rule 'first' matched (always)")
        #expect(!decision.viaAuto)
    }

    @Test("model matches one of a list")
    func modelMatcher() throws {
        let router = try makeRouter(rules: """
          - name: big
            match: {model: [triage-big, gpt-4o]}
            route: remote
        """)
        #expect(router.decide(input(model: "gpt-4o")).rule == "big")
        #expect(router.decide(input(model: "triage-big")).backend.name == "remote")
        #expect(router.decide(input(model: "triage")).rule == nil)
    }

    @Test("header: present with any value, or with an exact value; names are case-insensitive")
    func headerMatcher() throws {
        let router = try makeRouter(rules: """
          - name: forced
            match: {header: {name: X-Triage-Backend, value: remote}}
            route: remote
          - name: team
            match: {header: {name: x-team}}
            route: remote
        """)
        #expect(router.decide(input(headers: ["x-triage-backend": "remote"])).rule == "forced")
        #expect(router.decide(input(headers: ["x-triage-backend": "local"])).rule == nil)
        #expect(router.decide(input(headers: ["x-team": ""])).rule == "team")
        #expect(router.decide(input(headers: ["x-team": "search"])).rule == "team")
        // Tolerates callers that did not lowercase header names.
        #expect(router.decide(input(headers: ["X-Team": "search"])).rule == "team")
        #expect(router.decide(input(headers: ["x-other": "1"])).rule == nil)
    }

    @Test("last_user_message regex is searched, not anchored")
    func regexMatcher() throws {
        let router = try makeRouter(rules: """
          - name: code
            match: {last_user_message: '```|step by step proof'}
            route: remote
        """)
        let decision = router.decide(input(message: "please give a step by step proof of it"))
        #expect(decision.rule == "code")
        #expect(decision.reason == "rule 'code' matched (last_user_message)")
        #expect(router.decide(input(message: "fix:\n```\nx\n```")).rule == "code")
        #expect(router.decide(input(message: "Step By Step Proof")).rule == nil)
    }

    @Test("prompt_tokens_above and prompt_tokens_below are strict at the boundary")
    func tokenMatchers() throws {
        let above = try makeRouter(rules: """
          - name: long
            match: {prompt_tokens_above: 6000}
            route: remote
        """)
        #expect(above.decide(input(tokens: 6000)).rule == nil)
        #expect(above.decide(input(tokens: 6001)).rule == "long")

        let below = try makeRouter(rules: """
          - name: short
            match: {prompt_tokens_below: 100}
            route: remote
        """)
        #expect(below.decide(input(tokens: 99)).rule == "short")
        #expect(below.decide(input(tokens: 100)).rule == nil)
    }

    @Test("all conditions of a rule must hold")
    func conditionsAreANDed() throws {
        let router = try makeRouter(rules: """
          - name: team-long
            match:
              header: {name: x-team, value: search}
              prompt_tokens_above: 1000
            route: remote
        """)
        #expect(router.decide(input(headers: ["x-team": "search"], tokens: 5000)).reason
            == "rule 'team-long' matched (header, prompt_tokens_above)")
        #expect(router.decide(input(headers: ["x-team": "search"], tokens: 10)).rule == nil)
        #expect(router.decide(input(headers: [:], tokens: 5000)).rule == nil)
    }

    @Test("route: auto goes to the default backend and is flagged viaAuto")
    func autoRoute() throws {
        let router = try makeRouter(rules: """
          - name: default
            match: {always: true}
            route: auto
        """)
        let decision = router.decide(input())
        #expect(decision.backend.name == "local")
        #expect(decision.rule == "default")
        #expect(decision.viaAuto)
        #expect(decision.reason == "rule 'default' routed auto -> default backend 'local' (classifier not enabled)")
    }

    @Test("no matching rule goes to the default backend")
    func noMatch() throws {
        let router = try makeRouter(rules: "  []")
        let decision = router.decide(input())
        #expect(decision.backend.name == "local")
        #expect(decision.rule == nil)
        #expect(!decision.viaAuto)
        #expect(decision.reason == "no rule matched -> default backend 'local'")
    }

    @Test("the shipped routes.yaml routes as documented")
    func shippedRules() throws {
        let path = #filePath.replacingOccurrences(of: "Tests/TriageRoutingTests/RouterTests.swift", with: "routes.yaml")
        let router = Router(config: try ConfigLoader.load(path: path))
        #expect(router.decide(input(headers: ["x-triage-backend": "remote"])).backend.name == "remote")
        #expect(router.decide(input(headers: ["x-triage-backend": "local"], message: "```code```")).backend.name == "local")
        #expect(router.decide(input(message: "```swift\nlet x = 1\n```")).rule == "code-or-proof-to-remote")
        #expect(router.decide(input(tokens: 6001)).rule == "long-prompt-to-remote")
        let fallback = router.decide(input())
        #expect(fallback.rule == "default")
        #expect(fallback.backend.name == "local")
        #expect(fallback.viaAuto)
    }
}

@Suite("Rules matching sensitive data")
struct SensitiveRuleTests {
    @Test("match: {sensitive: ...} holds only for requests with findings of those types")
    func sensitiveMatch() {
        let local = BackendConfig(name: "local", baseURL: "http://127.0.0.1:1/v1", model: "s")
        let remote = BackendConfig(name: "remote", baseURL: "https://api.example.com/v1", model: "b")
        let config = RoutesConfig(
            backends: [local, remote],
            rules: [
                RuleConfig(name: "money", match: RuleMatch(sensitive: .types([.card, .iban])), route: .backend("local"), line: 1),
                RuleConfig(name: "any-pii", match: RuleMatch(sensitive: .any), route: .backend("local"), line: 2),
            ],
            auto: AutoRouteConfig(defaultBackend: "remote")
        )
        let router = Router(config: config)
        func rule(_ types: Set<SensitiveType>) -> String? {
            router.decide(RoutingInput(model: "triage", headers: [:], lastUserMessage: "x", estimatedPromptTokens: 1, sensitiveTypes: types)).rule
        }
        #expect(rule([.iban]) == "money")
        #expect(rule([.email]) == "any-pii")
        #expect(rule([]) == nil)
    }
}
