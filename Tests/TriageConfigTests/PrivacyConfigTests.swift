import Testing
import TriageConfig

@Suite("Privacy settings: policy, types, patterns, sensitive matches, log.redact, remote backends")
struct PrivacyConfigTests {
    @Test("defaults: detection only, nothing redacted, remote decided by the host")
    func defaults() throws {
        let config = try parse(twoBackends)
        #expect(config.privacy.policy == .off)
        #expect(config.privacy.types == nil && config.privacy.patterns.isEmpty)
        #expect(config.log.redact.isEmpty)
        #expect(config.backend(named: "local")?.isRemote == false)
        #expect(config.backend(named: "remote")?.isRemote == true)
    }

    @Test("privacy, rules, log.redact and remote are read")
    func reads() throws {
        let yaml = """
        backends:
          - {name: local, base_url: "http://gpu-box:8000/v1", model: small, remote: false}
          - {name: remote, base_url: "http://127.0.0.1:9000/v1", model: big, remote: true}
        auto: {default_backend: local}
        privacy:
          sensitive: local_only
          types: [card, iban, patient_id]
          min_confidence: 0.7
          patterns: [{name: patient_id, regex: "PAT-[0-9]{6}"}]
        log: {redact: [email, patient_id]}
        rules:
          - {name: pii, match: {sensitive: any}, route: local}
          - {name: money, match: {sensitive: [card, iban]}, route: local}
        """
        let config = try parse(yaml)
        #expect(config.privacy.policy == .localOnly)
        #expect(config.privacy.types == [.card, .iban, SensitiveType(rawValue: "patient_id")])
        #expect(config.privacy.minConfidence == 0.7)
        #expect(config.privacy.patterns.first?.regex.matchRanges(in: "id PAT-123456").count == 1)
        #expect(config.log.redact == [.email, SensitiveType(rawValue: "patient_id")])
        #expect(config.rules[0].match.sensitive == .any)
        #expect(config.rules[1].match.sensitive == .types([.card, .iban]))
        #expect(config.backend(named: "local")?.isRemote == false)
        #expect(config.backend(named: "remote")?.isRemote == true)
    }

    @Test("bad values are reported with their field")
    func rejects() {
        #expect(errorText(twoBackends + "privacy: {sensitive: never}\n").contains("privacy.sensitive: must be local_only, mask or off"))
        #expect(errorText(twoBackends + "privacy: {types: [cards]}\n").contains("unknown sensitive type 'cards'"))
        #expect(errorText(twoBackends + "log: {redact: [phone_number]}\n").contains("log.redact: unknown sensitive type"))
        #expect(errorText(twoBackends + "privacy: {patterns: [{name: card, regex: x}]}\n").contains("privacy.patterns[0].name"))
        #expect(errorText(twoBackends + "privacy: {patterns: [{name: pid, regex: \"(x\"}]}\n").contains("privacy.patterns[0].regex"))
        #expect(errorText(twoBackends + "rules: [{name: r, match: {sensitive: [ssn, x]}, route: local}]\n").contains("unknown sensitive type 'x'"))
    }

    @Test("private and loopback hosts are on the premises; any other host is remote")
    func locality() {
        for host in ["localhost", "127.0.0.1", "10.1.2.3", "172.20.0.4", "192.168.1.9", "[::1]", "fd12::5"] {
            #expect(BackendConfig.isPrivateHost(host), "\(host)")
        }
        for host in ["api.openai.com", "172.32.0.1", "8.8.8.8", "vllm", "2001:db8::1"] {
            #expect(!BackendConfig.isPrivateHost(host), "\(host)")
        }
    }
}
