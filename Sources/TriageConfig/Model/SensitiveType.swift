/// A kind of sensitive value the privacy detectors find (`card`, `iban`, `email`, ...), or the
/// `name` of a user-defined pattern under `privacy.patterns` in routes.yaml.
public struct SensitiveType: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// E-mail addresses.
    public static let email = SensitiveType(rawValue: "email")
    /// Phone numbers: international (`+49 30 1234567`, `0044 ...`) and common national formats.
    public static let phone = SensitiveType(rawValue: "phone")
    /// Payment card numbers that pass the Luhn check and start with a known issuer prefix.
    public static let card = SensitiveType(rawValue: "card")
    /// IBANs whose mod-97 checksum holds and whose length fits their country.
    public static let iban = SensitiveType(rawValue: "iban")
    /// US social security numbers (`123-45-6789`, valid area, group and serial).
    public static let ssn = SensitiveType(rawValue: "ssn")
    /// Other national ids with check digits: Spanish DNI/NIE, French NIR, Swedish personnummer,
    /// Finnish HETU, Dutch BSN (with a keyword), UK National Insurance numbers (format only).
    public static let nationalID = SensitiveType(rawValue: "national_id")
    /// IPv4 and IPv6 addresses.
    public static let ip = SensitiveType(rawValue: "ip")
    /// API keys and secrets: known provider prefixes, private key blocks, JWTs, high-entropy tokens.
    public static let secret = SensitiveType(rawValue: "secret")

    /// Every built-in type, in the order the README lists them.
    public static let builtIn: [SensitiveType] = [.email, .phone, .card, .iban, .ssn, .nationalID, .ip, .secret]

    public var description: String { rawValue }

    /// The placeholder stem, e.g. `EMAIL` for `[EMAIL_1]`.
    public var placeholderStem: String {
        String(rawValue.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    public static func < (lhs: SensitiveType, rhs: SensitiveType) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Which sensitive types a rule's `match: {sensitive: ...}` asks for.
public enum SensitiveMatch: Sendable, Equatable {
    /// `sensitive: any`: any finding at all.
    case any
    /// `sensitive: [card, iban]`: a finding of one of these types.
    case types(Set<SensitiveType>)

    /// Whether a request with findings of `found` types matches.
    public func matches(_ found: Set<SensitiveType>) -> Bool {
        switch self {
        case .any: return !found.isEmpty
        case .types(let wanted): return !wanted.isDisjoint(with: found)
        }
    }
}
