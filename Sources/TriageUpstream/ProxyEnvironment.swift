import Foundation

/// The proxy settings libcurl would take from the environment (`http_proxy`, `https_proxy`,
/// `all_proxy`, `no_proxy` and their upper-case forms), read once when the client starts.
///
/// Left to itself libcurl reads these variables for every transfer (four or five `getenv`
/// scans of the whole environment and as many copies); the client instead sets
/// `CURLOPT_PROXY` and `CURLOPT_NOPROXY` from this value, with curl's own rules:
/// - an `http://` URL uses `http_proxy` (lower case only: `HTTP_PROXY` can be set by a CGI
///   client through a `Proxy:` header, so curl ignores it), an `https://` URL `https_proxy`,
///   then `HTTPS_PROXY`; either falls back to `all_proxy`, then `ALL_PROXY`;
/// - `no_proxy` (else `NO_PROXY`) lists hosts reached directly (`*` for all);
/// - a variable that is set but empty counts as set: no proxy, no fallback.
struct ProxyEnvironment: Sendable, Equatable {
    /// Proxy for `http://` URLs, `""` for none.
    var http: String
    /// Proxy for `https://` URLs, `""` for none.
    var https: String
    /// Hosts reached without a proxy, `""` for none.
    var noProxy: String

    /// No proxy for any URL.
    static let none = ProxyEnvironment(http: "", https: "", noProxy: "")

    init(http: String, https: String, noProxy: String) {
        self.http = http
        self.https = https
        self.noProxy = noProxy
    }

    /// The settings `environment` gives, by curl's rules.
    init(environment: [String: String]) {
        let all = environment["all_proxy"] ?? environment["ALL_PROXY"] ?? ""
        http = environment["http_proxy"] ?? all
        https = environment["https_proxy"] ?? environment["HTTPS_PROXY"] ?? all
        noProxy = environment["no_proxy"] ?? environment["NO_PROXY"] ?? ""
    }

    /// The settings of this process's environment, read now.
    static func current() -> ProxyEnvironment {
        ProxyEnvironment(environment: ProcessInfo.processInfo.environment)
    }

    /// The proxy for `url` (`""` for none): by its scheme, as curl picks it.
    func proxy(for url: String) -> String {
        Self.isHTTPS(url) ? https : http
    }

    /// Whether `url` starts with `https:` in any case.
    private static func isHTTPS(_ url: String) -> Bool {
        var bytes = url.utf8.makeIterator()
        for expected in "https:".utf8 {
            guard let byte = bytes.next(), byte | (expected == UInt8(ascii: ":") ? 0 : 0x20) == expected else { return false }
        }
        return true
    }
}
