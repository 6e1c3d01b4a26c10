import Testing
import TriageConfig
import TriageJSON
@testable import TriagePrivacy

@Suite struct MaskingTests {
    @Test func maskAndRestoreText() {
        let scanner = SensitiveScanner()
        var masking = Masking()
        let text = "mail a@b.io or a@b.io, card 4111111111111111"
        let masked = masking.mask(text, findings: scanner.scan(text))
        #expect(masked == "mail [EMAIL_1] or [EMAIL_1], card [CARD_1]")
        #expect(masking.restore("sent to [EMAIL_1] with [CARD_1]") == "sent to a@b.io with 4111111111111111")
    }

    @Test func restoreInsideJSONEscapesValues() throws {
        var masking = Masking()
        _ = masking.placeholder(for: "x\"y", type: SensitiveType(rawValue: "custom"))
        let restored = masking.restore(jsonBytes: Array(#"{"text":"is [CUSTOM_1]"}"#.utf8))
        #expect(try JSONParser.parse(restored)["text"]?.stringValue == "is x\"y")
    }

    @Test func streamHoldsBackSplitPlaceholders() {
        var masking = Masking()
        _ = masking.placeholder(for: "a@b.io", type: .email)
        var restorer = PlaceholderStreamRestorer(masking: masking)
        var out = restorer.feed("write to [EM")
        #expect(out == "write to ")
        out += restorer.feed("AIL_")
        out += restorer.feed("1] now [x")
        out += restorer.flush()
        #expect(out == "write to a@b.io now [x")
    }

    @Test func guardAllowsAndMasks() {
        let remote = BackendConfig(name: "remote", baseURL: "https://api.example.com/v1", model: "m")
        let local = BackendConfig(name: "local", baseURL: "http://10.0.0.5:8000/v1", model: "m")
        let marked = BackendConfig(name: "vpc", baseURL: "https://llm.internal/v1", model: "m", remote: false)
        #expect(remote.isRemote && !local.isRemote && !marked.isRemote)
        let findings = SensitiveScanner().scan("card 4111111111111111")
        let strict = PrivacyGuard(config: PrivacyConfig(policy: .localOnly))
        #expect(!strict.allows(backend: remote, findings: findings))
        #expect(strict.allows(backend: local, findings: findings) && strict.allows(backend: marked, findings: findings))
        #expect(strict.allows(backend: remote, findings: []))
        let onlyEmail = PrivacyGuard(config: PrivacyConfig(policy: .localOnly, types: [.email]))
        #expect(onlyEmail.allows(backend: remote, findings: findings), "cards do not count under types: [email]")
        let masking = PrivacyGuard(config: PrivacyConfig(policy: .mask))
        #expect(!masking.allows(backend: remote, findings: findings) && masking.masks(backend: remote, findings: findings))
        #expect(PrivacyGuard(config: PrivacyConfig()).allows(backend: remote, text: "card 4111111111111111"))
    }

    @Test func inspectMasksEveryStringButTheModel() {
        let guardian = PrivacyGuard(config: PrivacyConfig(policy: .mask))
        let body: [String: JSONValue] = [
            "model": .string("a@b.io"),
            "messages": .array([.object(["role": .string("user"), "content": .array([.object(["type": .string("text"), "text": .string("I am a@b.io")])])])]),
        ]
        let privacy = guardian.inspect(body: body)
        #expect(privacy.types == [.email])
        #expect(privacy.maskedBody?["model"] == .string("a@b.io"))
        let text = String(decoding: privacy.maskedBody?["messages"]?.jsonBytes ?? [], as: UTF8.self)
        #expect(text.contains("I am [EMAIL_1]") && !text.contains("a@b.io"))
    }
}
