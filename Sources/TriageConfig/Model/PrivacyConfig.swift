/// What Triage does with requests that carry sensitive data (`privacy:`).
///
/// ```yaml
/// privacy:
///   sensitive: local_only       # local_only | mask | off (default off)
///   types: [card, iban, ssn]    # which finding types count (default: all, patterns included)
///   min_confidence: 0.5         # findings below this are ignored (default 0.5)
///   patterns:                   # user-defined detectors (ICU regular expressions)
///     - {name: patient_id, regex: 'PAT-[0-9]{6}'}
/// ```
public struct PrivacyConfig: Sendable, Equatable {
    /// The policy for requests with a finding.
    public enum Policy: String, Sendable, Equatable, CaseIterable {
        /// Detection only (findings are logged and rules may match them); nothing is enforced.
        case off
        /// Never sent to a remote backend: not by rule, classifier, fallback, retry, shadow or judge.
        case localOnly = "local_only"
        /// Sent to remote backends with typed placeholders instead of the values, restored in the answer.
        case mask
    }

    /// A user-defined detector (`patterns: [{name, regex}]`); its findings have type `name`.
    public struct Pattern: Sendable, Equatable {
        public var name: String
        public var regex: MessagePattern
        public init(name: String, regex: MessagePattern) {
            self.name = name
            self.regex = regex
        }
    }

    /// `sensitive`.
    public var policy: Policy
    /// `types`: the finding types the policy applies to; `nil`: every type.
    public var types: Set<SensitiveType>?
    /// `min_confidence`: findings with a lower confidence are ignored everywhere.
    public var minConfidence: Double
    /// `patterns`.
    public var patterns: [Pattern]

    public init(policy: Policy = .off, types: Set<SensitiveType>? = nil, minConfidence: Double = 0.5, patterns: [Pattern] = []) {
        self.policy = policy
        self.types = types
        self.minConfidence = minConfidence
        self.patterns = patterns
    }

    /// Built-in types plus the user-defined pattern names.
    public var knownTypes: [SensitiveType] {
        SensitiveType.builtIn + patterns.map { SensitiveType(rawValue: $0.name) }
    }
}
