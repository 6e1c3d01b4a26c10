import Foundation
import Testing
import TriageUpstream

/// The privacy guarantee end to end: a request with sensitive data never reaches a backend
/// marked `remote: true`, by any path, and masking round-trips through whole and streamed answers.
@Suite("Privacy guard (real processes on 127.0.0.1)", .serialized)
struct PrivacyIntegrationTests {
    static let card = "4111 1111 1111 1111"
    static let email = "jane.doe@clinic.example"

    private func routes(_ local: String, _ remote: String, policy: String = "local_only", localExtra: String = "", rules: String, extra: String = "") -> String {
        """
        listen: {host: 127.0.0.1, port: 0}
        log: {path: "{LOG}"}
        privacy: {sensitive: \(policy)}
        backends:
          - {name: local, base_url: "\(local)", model: small-ft\(localExtra)}
          - {name: remote, base_url: "\(remote)", model: big-model, remote: true, api_key_env: TRIAGE_TEST_REMOTE_KEY}
        rules:
        \(rules)
        auto: {default_backend: local}
        \(extra)
        """
    }

    /// Every body the remote fake received, as JSON text.
    private func remoteBodies(_ env: Environment) async throws -> [String] {
        try await env.remote.receivedRequests(client: env.client).map { request in
            let body = request["body"] ?? ""
            guard JSONSerialization.isValidJSONObject(body), let data = try? JSONSerialization.data(withJSONObject: body) else { return "\(body)" }
            return String(decoding: data, as: UTF8.self)
        }
    }

    @Test("a rule that routes remote, the classifier and auto default all keep sensitive prompts local")
    func ruleAndClassifier() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-privacy-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Environment.with(yaml: { local, remote in
            self.routes(local, remote, rules: """
              - {name: hard, match: {last_user_message: "(?i)prove"}, route: remote}
              - {name: default, match: {always: true}, route: auto}
            """).replacingOccurrences(of: "auto: {default_backend: local}", with: bankingAuto(cacheDirectory: directory + "/cache"))
        }) { env in
            // By rule.
            let ruled = try await env.proxy.post(json: chatJSON("prove that my card \(Self.card) was charged twice"))
            #expect(ruled.status == 200)
            #expect(ruled.headers.header("x-triage-backend") == "local")
            // By the classifier (the same prompt without PII goes remote, see ClassifierIntegrationTests).
            let hard = "Derive step by step a sieve in Rust and analyze its complexity for the account DE89 3704 0044 0532 0130 00"
            let classified = try await env.proxy.post(json: chatJSON(hard))
            #expect(classified.status == 200)
            #expect(classified.headers.header("x-triage-backend") == "local")
            // Without sensitive data the classifier does send it remote: the guard is what kept it local.
            let control = try await env.proxy.post(json: chatJSON("Derive step by step a sieve in Rust and analyze its complexity"))
            #expect(control.headers.header("x-triage-backend") == "remote")
            let bodies = try await remoteBodies(env)
            #expect(bodies.count == 1)
            #expect(!bodies.contains { $0.contains("4111") || $0.contains("DE89") })
            let records = try await env.triage.logRecords(atLeast: 3)
            let guarded = records.filter { ($0["privacy"] as? [String: Any])?["guard"] as? String == "kept_local" }
            #expect(guarded.count == 2)
            let classifiedRecord = try #require(records.first { ($0["privacy"] as? [String: Any])?["types"] as? [String] == ["iban"] })
            #expect((classifiedRecord["scores"] as? [String: Any])?["decided_by"] as? String != "none", "the classifier chose remote")
            #expect((classifiedRecord["reason"] as? String)?.contains("kept off remote backend 'remote'") == true)
            // The privacy field names types, never values.
            let privacyText = String(decoding: try JSONSerialization.data(withJSONObject: classifiedRecord["privacy"] ?? [:]), as: UTF8.self)
            #expect(!privacyText.contains("DE89"))
        }
    }

    @Test("fallback after a local 500, and an open breaker, never escalate: 503 in the client's API shape")
    func fallbackAndBreaker() async throws {
        // The local backend answers every request with HTTP 500 (the fake's /status/500 base URL).
        try await Environment.with(yaml: { local, remote in
            self.routes(local.replacingOccurrences(of: "/v1", with: "/status/500"), remote,
                        localExtra: ", fallback: remote, breaker: {failures: 2, cooldown: 60}", rules: """
              - {name: default, match: {always: true}, route: local}
            """)
        }) { env in
            let failed = try await env.proxy.post(json: chatJSON("my email is \(Self.email)"))
            #expect(failed.status == 503)
            let error = try #require(jsonObject(failed.body)?["error"] as? [String: Any])
            #expect(error["code"] as? String == "sensitive_data_no_local_backend")
            #expect(!failed.body.contains(Self.email))
            // A second local failure (no PII: it may fall back) opens the breaker.
            let plain = try await env.proxy.post(json: chatJSON("nothing private here"))
            #expect(plain.status == 200 && plain.headers.header("x-triage-backend") == "remote")
            // Breaker open: local is skipped, and the remote fallback is not allowed.
            let anthropic = #"{"model":"triage","max_tokens":50,"messages":[{"role":"user","content":"card \#(Self.card)"}]}"#
            let skipped = try await env.proxy.post("/v1/messages", json: anthropic)
            #expect(skipped.status == 503)
            let shape = try #require(jsonObject(skipped.body))
            #expect(shape["type"] as? String == "error")
            #expect(((shape["error"] as? [String: Any])?["message"] as? String)?.contains("sensitive_data_no_local_backend") == true)
            let bodies = try await remoteBodies(env)
            #expect(bodies.count == 1, "only the request without sensitive data reached the remote backend")
            #expect(!bodies.contains { $0.contains(Self.email) || $0.contains("4111") })
            let records = try await env.triage.logRecords(atLeast: 3)
            #expect(records.filter { ($0["privacy"] as? [String: Any])?["skipped"] as? [String] == ["remote"] }.count == 2)
        }
    }

    @Test("shadow sampling at rate 1.0 never copies a sensitive prompt to a remote shadow backend")
    func shadow() async throws {
        try await Environment.with(yaml: { local, remote in
            self.routes(local, remote, rules: """
              - {name: default, match: {always: true}, route: local}
            """, extra: "shadow: {rate: 1.0, backend: remote}")
        }) { env in
            let secret = try await env.proxy.post(json: chatJSON("my key is sk-proj-abcdefghijklmnopqrstuvwx1234"))
            #expect(secret.status == 200 && secret.headers.header("x-triage-backend") == "local")
            let plain = try await env.proxy.post(json: chatJSON("what are your opening hours?", stream: true))
            #expect(plain.status == 200)
            let records = try await env.triage.logRecords(atLeast: 2, timeout: .seconds(20))
            let guarded = try #require(records.first { $0["privacy"] != nil })
            #expect((guarded["privacy"] as? [String: Any])?["shadow_skipped"] as? Bool == true)
            #expect(guarded["shadow"] == nil)
            #expect(records.contains { $0["shadow"] != nil }, "the prompt without sensitive data was shadowed")
            let bodies = try await remoteBodies(env)
            #expect(bodies.count == 1 && !bodies.contains { $0.contains("sk-proj") })
        }
    }

    @Test("mask: the remote backend sees placeholders; whole and streamed answers get the values back")
    func masking() async throws {
        try await Environment.with(yaml: { local, remote in
            self.routes(local, remote, policy: "mask", rules: """
              - {name: default, match: {always: true}, route: remote}
            """).replacingOccurrences(of: "log: {path: \"{LOG}\"}", with: "log: {path: \"{LOG}\", redact: [email]}")
        }) { env in
            let prompt = "mail \(Self.email) about card \(Self.card)"
            let whole = try await env.proxy.post(json: chatJSON(prompt))
            #expect(whole.status == 200 && whole.headers.header("x-triage-backend") == "remote")
            #expect(whole.body.contains("remote says: \(prompt)"), "\(whole.body)")
            // Every character its own chunk: each placeholder arrives split over many events.
            let streamed = try await env.proxy.post(json: chatJSON("[[chunks:80]]" + prompt, stream: true))
            #expect(streamed.status == 200)
            var text = ""
            for line in streamed.body.split(separator: "\n") where line.hasPrefix("data: {") {
                let chunk = jsonObject(String(line.dropFirst(6)))
                let delta = ((chunk?["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String
                text += delta ?? ""
            }
            #expect(text == "remote says: \(prompt)", "\(streamed.body)")
            let anthropic = #"{"model":"triage","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"[[chunks:70]]\#(prompt)"}]}"#
            let translated = try await env.proxy.post("/v1/messages", json: anthropic)
            var anthropicText = ""
            for line in translated.body.split(separator: "\n") where line.hasPrefix("data: {") {
                let event = jsonObject(String(line.dropFirst(6)))
                anthropicText += ((event?["delta"] as? [String: Any])?["text"] as? String) ?? ""
            }
            #expect(anthropicText == "remote says: \(prompt)", "\(translated.body)")
            let bodies = try await remoteBodies(env)
            #expect(bodies.count == 3)
            #expect(bodies.allSatisfy { $0.contains("[EMAIL_1]") && $0.contains("[CARD_1]") && !$0.contains(Self.email) && !$0.contains("4111") })
            // log.redact: [email]: the log keeps the card (full text is the default) but not the e-mail.
            let records = try await env.triage.logRecords(atLeast: 3)
            for record in records {
                let line = String(decoding: try JSONSerialization.data(withJSONObject: record), as: UTF8.self)
                #expect(!line.contains(Self.email) && line.contains("4111"))
                #expect((record["privacy"] as? [String: Any])?["guard"] as? String == "masked")
                #expect((record["privacy"] as? [String: Any])?["redacted"] as? [String] == ["email"])
            }
            let attributes = try FileManager.default.attributesOfItem(atPath: env.triage.logPath)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
    }
}
