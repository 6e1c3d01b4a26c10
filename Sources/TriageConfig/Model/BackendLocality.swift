import Foundation

extension BackendConfig {
    /// Whether requests to this backend leave the premises: `remote:` when set, otherwise true
    /// unless `base_url`'s host is a loopback or private address (`localhost`, `127.0.0.0/8`,
    /// `::1`, `10/8`, `172.16/12`, `192.168/16`, `fc00::/7`, `fe80::/10`). Any other host name
    /// counts as remote: mark an internal host `remote: false` explicitly.
    public var isRemote: Bool {
        if let remote { return remote }
        guard let host = URL(string: baseURL)?.host?.lowercased() else { return true }
        return !Self.isPrivateHost(host)
    }

    /// Whether `host` (a name or an address, IPv6 with or without brackets) is loopback or private.
    public static func isPrivateHost(_ host: String) -> Bool {
        let host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        if octets.count == 4, host.split(separator: ".", omittingEmptySubsequences: false).count == 4 {
            switch (octets[0], octets[1]) {
            case (127, _), (10, _), (192, 168): return true
            case (172, let second): return (16...31).contains(second)
            default: return false
            }
        }
        if host.contains(":") {
            return host.hasPrefix("fc") || host.hasPrefix("fd") || host.hasPrefix("fe8") || host.hasPrefix("fe9")
                || host.hasPrefix("fea") || host.hasPrefix("feb")
        }
        return false
    }
}
