import Foundation
import TriageConfig
import TriageJSON
import TriageLog
import TriagePrivacy

/// The privacy guarantee on the request path: the scan, the choice of an allowed backend, the
/// check every outgoing request passes (``outbound(_:to:active:)``, called from
/// ``makeUpstreamRequest``, the one place upstream requests are built: routed attempts,
/// fallbacks, retries and shadow copies), masking, and `log.redact`.
extension RequestLifecycle {
    /// Scans the request; records what was found (types and count, never values).
    static func inspectPrivacy(_ chat: inout ProxyRequest, active: ActiveRoutes, record: inout RoutingLogRecord) {
        let privacy = active.privacy.inspect(body: chat.body)
        guard !privacy.findings.isEmpty else { return }
        chat.privacy = privacy
        record.privacy = .init(
            policy: active.config.privacy.policy.rawValue, types: privacy.types.map(\.rawValue), findings: privacy.findings.count)
    }

    /// Whether `chat` may go to `backend` (as it is, or masked under `privacy.sensitive: mask`).
    static func privacyAllows(_ chat: ProxyRequest, backend: BackendConfig, active: ActiveRoutes) -> Bool {
        guard let findings = chat.privacy?.findings else { return true }
        return active.privacy.allows(backend: backend, findings: findings) || active.privacy.masks(backend: backend, findings: findings)
    }

    /// Records that the remote `backend` (a fallback or retry target) was not tried.
    static func noteSkipped(_ backend: BackendConfig, record: inout RoutingLogRecord) {
        guard var privacy = record.privacy else { return }
        privacy.guardAction = "kept_local"
        privacy.skipped = (privacy.skipped ?? []) + [backend.name]
        record.privacy = privacy
    }

    /// `chosen`, or the first backend the request may go to: along `chosen`'s fallback chain,
    /// then `auto.local`, then `auto.default_backend`. Throws the 503 when there is none.
    static func keepPrivate(_ chosen: BackendConfig, chat: ProxyRequest, active: ActiveRoutes, record: inout RoutingLogRecord) throws(APIError) -> BackendConfig {
        guard !privacyAllows(chat, backend: chosen, active: active) else {
            if let findings = chat.privacy?.findings, active.privacy.masks(backend: chosen, findings: findings) { record.privacy?.guardAction = "masked" }
            return chosen
        }
        var candidates: [BackendConfig] = []
        var next = chosen.fallback.flatMap(active.config.backend(named:))
        while let backend = next, !candidates.contains(where: { $0.name == backend.name }), backend.name != chosen.name {
            candidates.append(backend)
            next = backend.fallback.flatMap(active.config.backend(named:))
        }
        for name in [active.config.auto.localBackend, active.config.auto.defaultBackend].compactMap({ $0 }) {
            if let backend = active.config.backend(named: name) { candidates.append(backend) }
        }
        record.privacy?.skipped = [chosen.name]
        guard let allowed = candidates.first(where: { privacyAllows(chat, backend: $0, active: active) }) else {
            record.privacy?.guardAction = "blocked"
            throw sensitiveDataError(chat, active: active)
        }
        record.privacy?.guardAction = "kept_local"
        record.reason += "; privacy: sensitive data (\(typeList(chat))) kept off remote backend '\(chosen.name)' -> '\(allowed.name)'"
        return allowed
    }

    /// The request as it may be sent to `backend`: unchanged, masked, or refused with the 503.
    /// Every upstream request passes here.
    static func outbound(_ chat: ProxyRequest, to backend: BackendConfig, active: ActiveRoutes) throws(APIError) -> ProxyRequest {
        guard let privacy = chat.privacy, !active.privacy.allows(backend: backend, findings: privacy.findings) else { return chat }
        guard active.privacy.masks(backend: backend, findings: privacy.findings), let masked = privacy.maskedBody else {
            throw sensitiveDataError(chat, active: active)
        }
        var copy = chat
        // Only the members that carry text change; `stream` and its options stay as this copy has them.
        for (key, value) in masked where chat.body[key] != nil && !["model", "stream", "stream_options"].contains(key) {
            copy.body[key] = value
        }
        copy.rawBody = []
        copy.modelSpan = nil
        return copy
    }

    /// The masking in force for an answer from `backend`, when the request went there masked.
    static func masking(for chat: ProxyRequest, backend: BackendConfig, active: ActiveRoutes) -> Masking? {
        guard let privacy = chat.privacy, active.privacy.masks(backend: backend, findings: privacy.findings) else { return nil }
        return privacy.masking
    }

    static func sensitiveDataError(_ chat: ProxyRequest, active: ActiveRoutes) -> APIError {
        APIError(
            status: .serviceUnavailable,
            message: "The request contains sensitive data (\(typeList(chat))) and privacy.sensitive is \(active.config.privacy.policy.rawValue) in \(active.config.sourcePath), but no backend on the premises can take it (the routed backend, its fallbacks and auto.local/default_backend are remote or unavailable); it was not sent anywhere (sensitive_data_no_local_backend).",
            type: "server_error", code: .sensitiveDataNoLocalBackend
        )
    }

    static func typeList(_ chat: ProxyRequest) -> String {
        (chat.privacy?.types ?? []).map(\.rawValue).joined(separator: ", ")
    }

    /// Makes `record` what the routing log keeps, in place: with `log.redact`, values of those
    /// types in the messages and answers are replaced by typed placeholders (untouched without it).
    static func redactForLog(_ record: inout RoutingLogRecord, active: ActiveRoutes) {
        let types = active.config.log.redact
        guard !types.isEmpty else { return }
        let scanner = active.privacy.scanner
        var masking = Masking()
        var redacted: Set<String> = []
        func redact(_ text: String) -> String {
            let findings = scanner.scan(text).filter { types.contains($0.type) }
            redacted.formUnion(findings.map(\.type.rawValue))
            return masking.mask(text, findings: findings)
        }
        func walk(_ value: JSONValue) -> JSONValue {
            switch value {
            case .string(let text): return .string(redact(text))
            case .array(let items): return .array(items.map(walk))
            case .object(let members): return .object(members.mapValues(walk))
            case .null, .bool, .number: return value
            }
        }
        record.messages = record.messages.map(walk)
        record.response = record.response.map(redact)
        if let response = record.shadow?.response { record.shadow?.response = redact(response) }
        record.error = record.error.map(redact)
        if !redacted.isEmpty {
            if record.privacy == nil { record.privacy = .init(policy: active.config.privacy.policy.rawValue, types: [], findings: 0) }
            record.privacy?.redacted = redacted.sorted()
        }
    }
}
