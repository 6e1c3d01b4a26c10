import TriageConfig
import TriageJSON

/// The privacy policy in force (`privacy:` in routes.yaml) applied to requests and backends.
///
/// The one question every path that sends a request out asks: ``allows(backend:findings:)``,
/// "may this content go to this backend as it is?". The proxy asks it for the routed backend,
/// each fallback and retry, and shadow copies; a judge that sends the prompt to a model asks it
/// too before sending.
public struct PrivacyGuard: Sendable {
    public let config: PrivacyConfig
    public let scanner: SensitiveScanner

    public init(config: PrivacyConfig) {
        self.config = config
        self.scanner = SensitiveScanner(config: config)
    }

    /// The findings the policy applies to (`privacy.types`, or all).
    public func relevant(_ findings: [Finding]) -> [Finding] {
        guard let types = config.types else { return findings }
        return findings.filter { types.contains($0.type) }
    }

    /// Whether content with `findings` may be sent to `backend` unchanged. False only when the
    /// policy is `local_only` or `mask`, the backend is remote and a relevant finding exists
    /// (under `mask` the proxy sends the masked request instead, see ``masks(backend:findings:)``).
    public func allows(backend: BackendConfig, findings: [Finding]) -> Bool {
        config.policy == .off || !backend.isRemote || relevant(findings).isEmpty
    }

    /// Whether `text` may be sent to `backend` unchanged (scans it first).
    public func allows(backend: BackendConfig, text: String) -> Bool {
        config.policy == .off || !backend.isRemote || allows(backend: backend, findings: scanner.scan(text))
    }

    /// Whether a request with `findings` goes to `backend` masked (policy `mask`, remote backend).
    public func masks(backend: BackendConfig, findings: [Finding]) -> Bool {
        config.policy == .mask && backend.isRemote && !relevant(findings).isEmpty
    }

    /// Scans every string of a request body (all but `model`) and, when the policy applies to
    /// something found, prepares its masked copy (a second pass, only then).
    public func inspect(body: [String: JSONValue]) -> RequestPrivacy {
        var findings: [Finding] = []
        for (key, value) in body where key != "model" { collect(value, into: &findings) }
        let relevant = relevant(findings)
        guard !relevant.isEmpty else { return RequestPrivacy(findings: findings, relevant: [], masking: Masking(), maskedBody: nil) }
        var masking = Masking()
        var masked = body
        for (key, value) in body where key != "model" { masked[key] = mask(value, masking: &masking) }
        return RequestPrivacy(findings: findings, relevant: relevant, masking: masking, maskedBody: masked)
    }

    private func collect(_ value: JSONValue, into findings: inout [Finding]) {
        switch value {
        case .string(let text): findings.append(contentsOf: scanner.scan(text))
        case .array(let items): for item in items { collect(item, into: &findings) }
        case .object(let members): for member in members.values { collect(member, into: &findings) }
        case .null, .bool, .number: break
        }
    }

    private func mask(_ value: JSONValue, masking: inout Masking) -> JSONValue {
        switch value {
        case .string(let text):
            let maskable = relevant(scanner.scan(text))
            return maskable.isEmpty ? value : .string(masking.mask(text, findings: maskable))
        case .array(let items):
            return .array(items.map { mask($0, masking: &masking) })
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members { out[key] = mask(member, masking: &masking) }
            return .object(out)
        case .null, .bool, .number:
            return value
        }
    }
}

/// What the privacy scan found in one request.
public struct RequestPrivacy: Sendable {
    /// Every finding, in every string of the body.
    public var findings: [Finding]
    /// The findings the policy applies to.
    public var relevant: [Finding]
    /// Placeholders for the relevant findings.
    public var masking: Masking
    /// The body with the relevant findings replaced by placeholders; nil when there are none.
    public var maskedBody: [String: JSONValue]?

    /// The distinct types found, sorted.
    public var types: [SensitiveType] { Array(Set(findings.map(\.type))).sorted() }
}
