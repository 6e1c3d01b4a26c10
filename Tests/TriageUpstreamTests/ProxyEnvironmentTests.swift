import Testing

@testable import TriageUpstream

/// The proxy variables of the environment are read once, when the client starts, and applied
/// to every transfer by curl's own rules (curl would otherwise read them for each transfer).
@Suite struct ProxyEnvironmentTests {
    @Test func variablesArePickedByCurlsRules() {
        let none = ProxyEnvironment(environment: [:])
        #expect(none == .none)
        // http: lower case only (curl ignores HTTP_PROXY); https: either case; then all_proxy.
        let upper = ProxyEnvironment(environment: ["HTTP_PROXY": "http://h:1", "HTTPS_PROXY": "http://s:2", "NO_PROXY": "a.example"])
        #expect(upper == ProxyEnvironment(http: "", https: "http://s:2", noProxy: "a.example"))
        let lower = ProxyEnvironment(environment: [
            "http_proxy": "http://h:1", "https_proxy": "http://s:2", "HTTPS_PROXY": "http://S:3",
            "no_proxy": "b.example", "NO_PROXY": "a.example", "all_proxy": "socks5://x:4",
        ])
        #expect(lower == ProxyEnvironment(http: "http://h:1", https: "http://s:2", noProxy: "b.example"))
        let all = ProxyEnvironment(environment: ["ALL_PROXY": "http://all:5", "all_proxy": "http://lower:6"])
        #expect(all == ProxyEnvironment(http: "http://lower:6", https: "http://lower:6", noProxy: ""))
        // Set but empty: no proxy, and no fallback to all_proxy.
        let empty = ProxyEnvironment(environment: ["http_proxy": "", "ALL_PROXY": "http://all:5"])
        #expect(empty == ProxyEnvironment(http: "", https: "http://all:5", noProxy: ""))
    }

    @Test func theProxyFollowsTheURLsScheme() {
        let proxies = ProxyEnvironment(http: "http://h:1", https: "http://s:2", noProxy: "")
        #expect(proxies.proxy(for: "http://example.com/v1") == "http://h:1")
        #expect(proxies.proxy(for: "HTTPS://example.com/v1") == "http://s:2")
        #expect(proxies.proxy(for: "https://example.com/v1") == "http://s:2")
        #expect(proxies.proxy(for: "httpsx://example.com") == "http://h:1")
    }

    /// The fake upstream stands in for the proxy: a request for a refusing port answers (the
    /// fake's 404 for the absolute URL a proxy receives) only when it went through the proxy.
    @Test func transfersGoThroughTheProxyUnlessTheHostIsExcluded() async throws {
        try await withFakeUpstream { proxy in
            try await withRefusingPort { port in
                let target = "http://127.0.0.1:\(port)/echo"
                let proxied = UpstreamClient(proxies: ProxyEnvironment(http: proxy.url(""), https: "", noProxy: ""))
                defer { proxied.shutdown() }
                for _ in 0..<2 {  // the second on a pooled handle that kept its options
                    let response = try await proxied.execute(UpstreamRequest(url: target, method: "POST", body: Array("{}".utf8)))
                    #expect(response.status == 404)
                    let body = String(decoding: try await response.body.collect(upTo: 1 << 16), as: UTF8.self)
                    #expect(body.contains("POST \(target)"))
                }
                // A GET (its handle is reset afterwards) still goes through the proxy.
                let get = try await proxied.execute(UpstreamRequest(url: target, method: "GET"))
                #expect(get.status == 404)

                let excluded = UpstreamClient(proxies: ProxyEnvironment(http: proxy.url(""), https: "", noProxy: "127.0.0.1"))
                defer { excluded.shutdown() }
                await #expect(throws: UpstreamError.self) {
                    _ = try await excluded.execute(UpstreamRequest(url: target, method: "POST", body: Array("{}".utf8)))
                }
                let direct = UpstreamClient(proxies: .none)
                defer { direct.shutdown() }
                await #expect(throws: UpstreamError.self) {
                    _ = try await direct.execute(UpstreamRequest(url: target, method: "GET"))
                }
            }
        }
    }
}
