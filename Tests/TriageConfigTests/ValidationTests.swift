import Testing
import TriageConfig

/// Every kind of bad file, with the exact message a user sees.
@Suite("Validation messages")
struct ValidationTests {
    @Test("YAML syntax error, with the line from Yams")
    func yamlSyntax() {
        #expect(errorText("""
        listen:
          host: 127.0.0.1
         port: 8080
        """) == "bad.yaml:3: invalid YAML: did not find expected key (while parsing a block mapping at line 1)")
    }

    @Test("duplicate YAML key")
    func duplicateKey() {
        #expect(errorText("""
        listen:
          port: 1
          port: 2
        """) == "bad.yaml:2: duplicate key 'port' in the same mapping; each key may appear only once")
    }

    @Test("empty file")
    func emptyFile() {
        #expect(errorText("# nothing yet\n") == "bad.yaml:1: the file is empty; expected at least 'backends' and 'auto'")
    }

    @Test("top level is not a mapping")
    func topLevelNotMapping() {
        #expect(errorText("- local\n- remote\n")
            == "bad.yaml:1: the top level must be a mapping of fields (listen, limits, log, models, backends, rules, auto, auth, shutdown, shadow, report, eval, privacy, ui, telemetry), got a list")
    }

    @Test("unknown keys are caught at every level")
    func unknownKeys() {
        #expect(errorText("listn: {port: 1}\n" + twoBackends)
            == "bad.yaml:1: listn: unknown field 'listn' (known: listen, limits, log, models, backends, rules, auto, auth, shutdown, shadow, report, eval, privacy, ui, telemetry)")
        #expect(errorText("listen: {prot: 1}\n" + twoBackends)
            == "bad.yaml:1: listen.prot: unknown field 'prot' (known: host, port)")
        #expect(errorText(twoBackends + """
        rules:
          - name: r
            match: {always: true}
            rout: local
        """) == """
        bad.yaml:11: rules[0]: missing required field 'route'
        bad.yaml:13: rules[0].rout: unknown field 'rout' (known: name, match, route)
        """)
        #expect(errorText(twoBackends + """
        rules:
          - match: {modle: x}
            route: local
        """) == "bad.yaml:11: rules[0].match.modle: unknown field 'modle' (known: model, header, last_user_message, prompt_tokens_above, prompt_tokens_below, always, sensitive)")
        #expect(errorText(localBackend + """
            timeout: {connect: 1}
        auto: {default_backend: local}
        """) == "bad.yaml:5: backends[0].timeout: unknown field 'timeout' (known: name, kind, base_url, model, api_key_env, timeouts, price, fallback, retry, breaker, max_concurrent, max_connections, forward_client_auth, anthropic_version, stream_usage, remote, responses)")
        #expect(errorText(localBackend + """
            timeouts: {conect: 1}
            price: {input: 1}
        auto: {default_backend: local, fallback: remote}
        """) == """
        bad.yaml:5: backends[0].timeouts.conect: unknown field 'conect' (known: connect, total, idle, queue)
        bad.yaml:6: backends[0].price.input: unknown field 'input' (known: input_per_million, output_per_million)
        bad.yaml:7: auto.fallback: unknown field 'fallback' (known: default_backend, local, remote, reference, complexity_weights, min_fit, max_complexity, cache_dir)
        """)
    }

    @Test("missing required fields")
    func missingFields() {
        #expect(errorText("listen: {port: 1}\n") == """
        bad.yaml:1: missing required field 'backends'
        bad.yaml:1: missing required field 'auto'
        """)
        #expect(errorText("""
        backends:
          - name: local
            kind: openai
        auto:
          default_backend:
        """) == """
        bad.yaml:2: backends[0]: missing required field 'base_url'
        bad.yaml:2: backends[0]: missing required field 'model'
        bad.yaml:5: auto: missing required field 'default_backend'
        """)
        #expect(errorText(twoBackends + """
        rules:
          - route: local
        """) == "bad.yaml:11: rules[0]: missing required field 'match'")
    }

    @Test("wrong types")
    func wrongTypes() {
        #expect(errorText("listen: {port: abc}\n" + twoBackends)
            == "bad.yaml:1: listen.port: expected an integer, got 'abc'")
        #expect(errorText("limits: {max_body_bytes: [1]}\n" + twoBackends)
            == "bad.yaml:1: limits.max_body_bytes: expected an integer, got a list")
        #expect(errorText(localBackend + """
            timeouts: {connect: abc}
        auto: {default_backend: local}
        rules:
          - match: {always: maybe}
            route: local
        """) == """
        bad.yaml:5: backends[0].timeouts.connect: expected a number, got 'abc'
        bad.yaml:8: rules[0].match.always: expected true or false, got 'maybe'
        """)
        #expect(errorText("backends: {name: local}\nauto: {default_backend: local}\n")
            == "bad.yaml:1: backends: expected a list of backends, got a mapping")
        #expect(errorText("log: logs/x.jsonl\n" + twoBackends)
            == "bad.yaml:1: log: expected a mapping (key: value pairs), got 'logs/x.jsonl'")
        #expect(errorText("""
        backends:
          - name: local
            kind: antropic
            base_url: http://127.0.0.1:8000/v1
            model: small
        auto: {default_backend: local}
        """) == "bad.yaml:3: backends[0].kind: unknown kind 'antropic' (known: openai, anthropic)")
        #expect(errorText(localBackend + """
            anthropic_version: "2023-06-01"
        auto: {default_backend: local}
        """) == "bad.yaml:5: backends[0].anthropic_version: only applies to backends of kind 'anthropic'")
    }

    @Test("bad port")
    func badPort() {
        #expect(errorText("listen: {port: 70000}\n" + twoBackends)
            == "bad.yaml:1: listen.port: must be between 0 and 65535, got 70000")
        #expect(errorText("listen: {port: -1}\n" + twoBackends)
            == "bad.yaml:1: listen.port: must be between 0 and 65535, got -1")
    }

    @Test("bad URL")
    func badURL() {
        #expect(errorText("""
        backends:
          - name: local
            base_url: 127.0.0.1:8000/v1
            model: small
          - name: other
            base_url: http://
            model: small
        auto: {default_backend: local}
        """) == """
        bad.yaml:3: backends[0].base_url: invalid URL '127.0.0.1:8000/v1': must start with http:// or https://
        bad.yaml:6: backends[1].base_url: invalid URL 'http://': expected e.g. http://127.0.0.1:8000/v1
        """)
    }

    @Test("duplicate backend names and the reserved name 'auto'")
    func duplicateBackends() {
        #expect(errorText(localBackend + """
          - name: local
            base_url: http://127.0.0.1:8001/v1
            model: other
          - name: auto
            base_url: http://127.0.0.1:8002/v1
            model: other
        auto: {default_backend: local}
        """) == """
        bad.yaml:5: backends[1].name: duplicate backend name 'local' (first defined on line 2)
        bad.yaml:8: backends[2].name: 'auto' is reserved for 'route: auto'; choose another backend name
        """)
    }

    @Test("unknown backend in a rule route and in auto.default_backend")
    func unknownBackend() {
        #expect(errorText(localBackend + """
          - name: remote
            base_url: https://api.openai.com/v1
            model: gpt-4o
        rules:
          - match: {always: true}
            route: remote
          - match: {always: true}
            route: remot
        auto: {default_backend: locl}
        """) == """
        bad.yaml:12: rules[1].route: unknown backend 'remot' (known: local, remote)
        bad.yaml:13: auto.default_backend: unknown backend 'locl' (known: local, remote)
        """)
    }

    @Test("invalid regular expression")
    func invalidRegex() {
        #expect(errorText(twoBackends + """
        rules:
          - name: code
            match:
              last_user_message: '(```|proof'
            route: remote
        """) == "bad.yaml:13: rules[0].match.last_user_message: invalid regular expression '(```|proof': expected ')'")
    }

    @Test("duplicate rule names and wrongly typed rule fields")
    func duplicateRuleNames() {
        #expect(errorText(twoBackends + """
        rules:
          - name: same
            match: {model: gpt-4o}
            route: remote
          - name: same
            match: {header: [x-team]}
            route: [local]
        """) == """
        bad.yaml:14: rules[1].name: duplicate rule name 'same' (first used on line 11)
        bad.yaml:15: rules[1].match.header: expected a mapping (key: value pairs), got a list
        bad.yaml:16: rules[1].route: expected a string, got a list
        """)
    }

    @Test("empty match block")
    func emptyMatch() {
        let message = "empty match block: add at least one condition (model, header, last_user_message, prompt_tokens_above, prompt_tokens_below, sensitive, always: true)"
        #expect(errorText(twoBackends + """
        rules:
          - match: {}
            route: local
          - match:
            route: local
          - match: {always: false}
            route: local
        """) == """
        bad.yaml:11: rules[0].match: \(message)
        bad.yaml:13: rules[1].match: \(message)
        bad.yaml:15: rules[2].match.always: 'always: false' never matches; use 'always: true' for a catch-all, or remove the field
        """)
    }

    @Test("impossible token range")
    func impossibleTokenRange() {
        #expect(errorText(twoBackends + """
        rules:
          - match: {prompt_tokens_above: 100, prompt_tokens_below: 101}
            route: local
          - match: {prompt_tokens_above: -1}
            route: local
        """) == """
        bad.yaml:11: rules[0].match.prompt_tokens_below: no token count is above 100 and below 101, so this rule can never match
        bad.yaml:13: rules[1].match.prompt_tokens_above: must not be negative, got -1
        """)
    }

    @Test("API keys in routes.yaml are rejected without echoing them")
    func apiKeyLiteral() {
        let text = errorText("""
        backends:
          - name: remote
            base_url: https://api.openai.com/v1
            model: gpt-4o
            api_key: sk-proj-abcdef1234567890
          - name: other
            base_url: https://api.openai.com/v1
            model: gpt-4o
            api_key_env: sk-proj-abcdef1234567890
          - name: third
            base_url: https://api.openai.com/v1
            model: gpt-4o
            api_key_env: 3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c
          - name: fourth
            base_url: https://api.openai.com/v1
            model: gpt-4o
            api_key_env: OPENAI-KEY
        auto: {default_backend: remote}
        """)
        let looksLikeKey = "this looks like an API key, not a variable name: never put the key itself in routes.yaml; export it in an environment variable (e.g. OPENAI_API_KEY) and write that variable's name here"
        #expect(text == """
        bad.yaml:5: backends[0].api_key: never put the key itself in routes.yaml: export it in an environment variable and name that variable with 'api_key_env' (e.g. api_key_env: OPENAI_API_KEY)
        bad.yaml:9: backends[1].api_key_env: \(looksLikeKey)
        bad.yaml:13: backends[2].api_key_env: \(looksLikeKey)
        bad.yaml:17: backends[3].api_key_env: 'OPENAI-KEY' is not a valid environment variable name (use letters, digits and underscores, not starting with a digit, e.g. OPENAI_API_KEY)
        """)
        #expect(!text.contains("abcdef1234567890"))
        #expect(!text.contains("3f9a8b7c"))
    }

    @Test("negative prices and non-positive timeouts")
    func negativeNumbers() {
        #expect(errorText(localBackend + """
            timeouts: {connect: 0, total: -5, idle: 1.5}
            price: {input_per_million: -0.15, output_per_million: 0}
        auto: {default_backend: local}
        limits: {max_body_bytes: 0}
        """) == """
        bad.yaml:5: backends[0].timeouts.connect: must be greater than 0, got 0
        bad.yaml:5: backends[0].timeouts.total: must be greater than 0, got -5
        bad.yaml:6: backends[0].price.input_per_million: must not be negative, got -0.15
        bad.yaml:8: limits.max_body_bytes: must be greater than 0, got 0
        """)
    }

    @Test("models must be a non-empty list of unique ids")
    func badModels() {
        #expect(errorText("models: []\n" + twoBackends)
            == "bad.yaml:1: models: must list at least one model id (remove the field to use the default: [triage])")
        #expect(errorText("models:\n  - triage\n  - fast\n  - triage\n" + twoBackends)
            == "bad.yaml:4: models[2]: duplicate model id 'triage'")
    }

    @Test("no backends")
    func noBackends() {
        #expect(errorText("backends: []\nauto: {default_backend: local}\n")
            == "bad.yaml:1: backends: at least one backend is required")
    }

    @Test("every issue is reported, in file order")
    func multipleIssues() throws {
        let yaml = """
        listen:
          port: 99999
        backends:
          - name: local
            base_url: ftp://127.0.0.1
            model: small
            price: {output_per_million: -1}
        rules:
          - name: a
            match: {last_user_message: '[a-', modle: x}
            rout: local
        auto: {default_backend: remot}
        """
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.parse(yaml: yaml, sourceName: "routes.yaml")
        }
        let issues = try #require(error).issues
        #expect(issues.map(\.line) == [2, 5, 7, 9, 10, 10, 11, 12])
        #expect(issues.first == ConfigIssue(file: "routes.yaml", line: 2, field: "listen.port", message: "must be between 0 and 65535, got 99999"))
        #expect(try #require(error).description == """
        routes.yaml:2: listen.port: must be between 0 and 65535, got 99999
        routes.yaml:5: backends[0].base_url: invalid URL 'ftp://127.0.0.1': must start with http:// or https://
        routes.yaml:7: backends[0].price.output_per_million: must not be negative, got -1
        routes.yaml:9: rules[0]: missing required field 'route'
        routes.yaml:10: rules[0].match.modle: unknown field 'modle' (known: model, header, last_user_message, prompt_tokens_above, prompt_tokens_below, always, sensitive)
        routes.yaml:10: rules[0].match.last_user_message: invalid regular expression '[a-': expected ']'
        routes.yaml:11: rules[0].rout: unknown field 'rout' (known: name, match, route)
        routes.yaml:12: auto.default_backend: unknown backend 'remot' (known: local)
        """)
    }
}
