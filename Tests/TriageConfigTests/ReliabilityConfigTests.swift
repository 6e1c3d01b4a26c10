import Testing
import TriageConfig

@Suite("Reliability settings: fallback, retry, breaker, limits, auth, shutdown")
struct ReliabilityConfigTests {
    @Test("defaults: no fallback means one attempt; breaker 5 failures / 30 s; limits; no auth; 30 s grace")
    func defaults() throws {
        let config = try parse(twoBackends)
        let local = try #require(config.backend(named: "local"))
        #expect(local.fallback == nil)
        #expect(local.retry.maxAttempts == 1)
        #expect(local.retry.onConnectError && local.retry.onTimeout)
        #expect(local.retry.statuses == RetryPolicy.defaultStatuses)
        #expect(local.breaker == BreakerConfig(failures: 5, cooldown: 30))
        #expect(local.maxConcurrent == nil)
        #expect(local.forwardClientAuth == false)
        #expect(config.limits == LimitsConfig(maxBodyBytes: 4 * 1024 * 1024, maxMessages: 2048, requestTimeout: 900, maxHeaderBytes: 32768))
        #expect(config.auth.isEnabled == false)
        #expect(config.shutdown.graceSeconds == 30)
        #expect(config.log.maxPendingBytes == 64 * 1024 * 1024)
    }

    @Test("stream_usage defaults on for openai backends, can be turned off, and is refused on anthropic ones")
    func streamUsage() throws {
        let config = try parse(twoBackends)
        #expect(config.backend(named: "local")?.streamUsage == true)
        let off = try parse(twoBackends.replacingOccurrences(of: "    model: small\n", with: "    model: small\n    stream_usage: false\n"))
        #expect(off.backend(named: "local")?.streamUsage == false)
        let text = errorText("""
        backends:
          - name: claude
            kind: anthropic
            base_url: https://api.anthropic.com/v1
            model: claude
            stream_usage: false
        auto: {default_backend: claude}
        """)
        #expect(text.contains("bad.yaml:6: backends[0].stream_usage: only applies to backends of kind 'openai'"), "\(text)")
    }

    @Test("log.max_pending_bytes bounds the log queue; zero is rejected with its line")
    func logQueueBound() throws {
        let config = try parse(twoBackends + "log: {path: logs/r.jsonl, max_pending_bytes: 1048576}\n")
        #expect(config.log.maxPendingBytes == 1_048_576)
        let text = errorText(twoBackends + "log: {max_pending_bytes: 0}\n")
        #expect(text.contains("log.max_pending_bytes"), "\(text)")
    }

    @Test("a fallback gives two attempts unless max_attempts says otherwise; retry conditions parse")
    func fallbackAndRetry() throws {
        let config = try parse("""
        backends:
          - name: local
            base_url: http://127.0.0.1:8000/v1
            model: small
            fallback: remote
            retry: {on: [connect, 503]}
            breaker: {failures: 2, cooldown: 0.5}
            max_concurrent: 8
            max_connections: 16
            timeouts: {queue: 2.5}
          - name: remote
            base_url: https://api.openai.com/v1
            model: gpt-4o
            fallback: local
            retry: {max_attempts: 3, on: [timeout, 5xx]}
            forward_client_auth: true
        auto: {default_backend: local}
        limits: {max_messages: 10, request_timeout: 60}
        auth: {client_keys_env: [TRIAGE_CLIENT_KEYS, OTHER_KEYS]}
        shutdown: {grace_seconds: 5}
        """)
        let local = try #require(config.backend(named: "local"))
        #expect(local.fallback == "remote")
        #expect(local.retry == RetryPolicy(maxAttempts: 2, onConnectError: true, onTimeout: false, statuses: [503]))
        #expect(local.breaker == BreakerConfig(failures: 2, cooldown: 0.5))
        #expect(local.maxConcurrent == 8)
        #expect(local.maxConnections == 16)
        #expect(local.timeouts.queue == 2.5)
        let remote = try #require(config.backend(named: "remote"))
        #expect(remote.maxConnections == BackendConfig.defaultMaxConnections)
        #expect(remote.timeouts.queue == 30)
        #expect(remote.retry == RetryPolicy(maxAttempts: 3, onConnectError: false, onTimeout: true, statuses: Set(500...599)))
        #expect(remote.forwardClientAuth)
        #expect(config.limits.maxMessages == 10)
        #expect(config.limits.requestTimeout == 60)
        #expect(config.auth.clientKeysEnv == ["TRIAGE_CLIENT_KEYS", "OTHER_KEYS"])
        #expect(config.shutdown.graceSeconds == 5)
    }

    @Test("each bad reliability setting names its line and field")
    func badSettings() {
        #expect(errorText(localBackend + """
            fallback: remot
          - name: remote
            base_url: https://api.openai.com/v1
            model: gpt-4o
        auto: {default_backend: local}
        """) == "bad.yaml:5: backends[0].fallback: unknown backend 'remot' (known: local, remote)")
        #expect(errorText(localBackend + """
            fallback: local
        auto: {default_backend: local}
        """) == "bad.yaml:5: backends[0].fallback: a backend cannot be its own fallback")
        #expect(errorText(localBackend + """
            retry:
              max_attempts: 0
              on: [connect, 302]
        auto: {default_backend: local}
        """) == """
        bad.yaml:6: backends[0].retry.max_attempts: must be greater than 0, got 0
        bad.yaml:7: backends[0].retry.on[1]: unknown retry condition '302' (known: connect, timeout, 4xx, 5xx, or an HTTP status 400-599)
        """)
        #expect(errorText(localBackend + """
            breaker: {failures: -1, cooldown: 0}
        auto: {default_backend: local}
        """) == """
        bad.yaml:5: backends[0].breaker.failures: must not be negative, got -1
        bad.yaml:5: backends[0].breaker.cooldown: must be greater than 0, got 0
        """)
        #expect(errorText(localBackend + """
            max_connections: 0
            timeouts: {queue: -1}
        auto: {default_backend: local}
        """) == """
        bad.yaml:5: backends[0].max_connections: must be greater than 0, got 0
        bad.yaml:6: backends[0].timeouts.queue: must be greater than 0, got -1
        """)
        #expect(errorText(twoBackends + "limits: {max_messages: 0}\n")
            == "bad.yaml:10: limits.max_messages: must be greater than 0, got 0")
        #expect(errorText(twoBackends + "auth: {client_keys: [abc]}\n")
            == "bad.yaml:10: auth.client_keys: never put client keys in routes.yaml: export them (comma-separated) in an environment variable and name it with 'client_keys_env' (e.g. client_keys_env: [TRIAGE_CLIENT_KEYS])")
        #expect(errorText(twoBackends + "auth: {client_keys_env: [sk-abcdef0123456789abcdef]}\n")
            == "bad.yaml:10: auth.client_keys_env[0]: expected the NAME of an environment variable holding client keys (e.g. TRIAGE_CLIENT_KEYS), not a key")
        #expect(errorText(twoBackends + "shutdown: {grace: 3}\n")
            == "bad.yaml:10: shutdown.grace: unknown field 'grace' (known: grace_seconds)")
    }
}

@Suite("auto: classifier settings")
struct AutoConfigTests {
    @Test("defaults: the classifier is off until auto.remote is set")
    func defaults() throws {
        let config = try ConfigLoader.parse(yaml: twoBackends, sourceName: "good.yaml")
        #expect(config.auto.classifierEnabled == false)
        #expect(config.auto.minFit == 0.05)
        #expect(config.auto.maxComplexity == 0.5)
        #expect(config.auto.cacheDirectory == ".triage-cache")
        #expect(config.auto.routineBackend == "local")
    }

    @Test("classifier settings parse, and bad ones name their line")
    func settings() throws {
        let yaml = twoBackends.replacingOccurrences(of: "auto: {default_backend: local}", with: """
        auto:
          default_backend: local
          remote: remote
          reference: data/ref.jsonl
          complexity_weights: data/w.json
          min_fit: 0.1
          max_complexity: 0.7
          cache_dir: /tmp/c
        """)
        let config = try ConfigLoader.parse(yaml: yaml, sourceName: "good.yaml")
        #expect(config.auto == AutoRouteConfig(
            defaultBackend: "local", remoteBackend: "remote", referencePath: "data/ref.jsonl",
            complexityWeightsPath: "data/w.json", minFit: 0.1, maxComplexity: 0.7, cacheDirectory: "/tmp/c"
        ))
        #expect(errorText(twoBackends.replacingOccurrences(of: "auto: {default_backend: local}", with: """
        auto:
          default_backend: local
          remote: remot
          min_fit: 1.5
        """)) == """
        bad.yaml:11: auto.remote: unknown backend 'remot' (known: local, remote)
        bad.yaml:12: auto.min_fit: must be between 0 and 1, got 1.5
        """)
    }
}
