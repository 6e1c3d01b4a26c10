import TriageConfig
import TriagePrivacy

/// `triage explain`'s privacy lines: what the detectors find and what the guard does.
extension Explain {
    /// The findings (type, detector, confidence, byte span; never the value) and the guard's effect
    /// on a request routed to `backendName`.
    static func privacyLines(_ text: String, routes: RoutesConfig, backendName: String) -> [String] {
        let privacy = PrivacyGuard(config: routes.privacy)
        let findings = privacy.scanner.scan(text)
        guard !findings.isEmpty else { return ["privacy:   no sensitive data found (policy \(routes.privacy.policy.rawValue))"] }
        var lines = ["privacy:   \(findings.count) finding(s), policy \(routes.privacy.policy.rawValue):"]
        for finding in findings {
            lines.append("  \(finding.type.rawValue) (\(finding.detail), confidence \(finding.confidence)) at bytes \(finding.range.lowerBound)..<\(finding.range.upperBound)")
        }
        guard let backend = routes.backend(named: backendName) else { return lines }
        let place = backend.isRemote ? "remote" : "on the premises"
        if privacy.allows(backend: backend, findings: findings) {
            lines.append("guard:     '\(backend.name)' is \(place): sent as it is")
        } else if privacy.masks(backend: backend, findings: findings) {
            lines.append("guard:     '\(backend.name)' is remote: sent with placeholders (\(privacy.relevant(findings).count) value(s) masked), restored in the answer")
        } else {
            var next = backend.fallback.flatMap(routes.backend(named:))
            var seen: Set<String> = [backend.name]
            while let candidate = next, !privacy.allows(backend: candidate, findings: findings), seen.insert(candidate.name).inserted {
                next = candidate.fallback.flatMap(routes.backend(named:))
            }
            let local = [next?.name, routes.auto.localBackend, routes.auto.defaultBackend].compactMap { $0 }
                .compactMap(routes.backend(named:)).first { privacy.allows(backend: $0, findings: findings) }
            if let local {
                lines.append("guard:     '\(backend.name)' is remote: kept local -> '\(local.name)' (privacy.sensitive: local_only)")
            } else {
                lines.append("guard:     '\(backend.name)' is remote and no local backend can take it: 503 sensitive_data_no_local_backend")
            }
        }
        return lines
    }

    static func sensitiveTypes(_ text: String, routes: RoutesConfig) -> Set<SensitiveType> {
        let privacy = PrivacyGuard(config: routes.privacy)
        return Set(privacy.relevant(privacy.scanner.scan(text)).map(\.type))
    }
}
