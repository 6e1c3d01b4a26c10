import CCurl
import Testing

@testable import TriageUpstream

/// Easy handles are pooled and keep their options between POSTs; header lists are built once
/// per distinct set of headers. Neither may leak one request's method, body or headers into
/// the next.
@Suite struct EasyHandleReuseTests {
    @Test func thePoolHandsBackTheLastHandleAndResetsAllButPlainPosts() throws {
        let pool = EasyHandlePool(capacity: 2)
        let first = try #require(pool.take())
        #expect(!first.keepsPostOptions)
        pool.recycle(first, keepOptions: true)
        #expect(pool.idleCount == 1)
        let again = try #require(pool.take())
        #expect(again === first)
        #expect(again.keepsPostOptions)
        pool.recycle(again, keepOptions: false)  // a GET, or a failed transfer: reset
        #expect(try #require(pool.take()).keepsPostOptions == false)
        // Bounded: beyond its capacity a finished handle is destroyed, not kept.
        let handles = try (0..<3).map { _ in try #require(pool.take()) }
        for handle in handles { pool.recycle(handle, keepOptions: true) }
        #expect(pool.idleCount == 2)
        pool.releaseAll()
        #expect(pool.idleCount == 0)
    }

    @Test func equalHeadersShareOneListAndTheLeastRecentlyUsedIsEvicted() throws {
        let cache = HeaderListCache(capacity: 2)
        let a = [(name: "Content-Type", value: "application/json"), (name: "Authorization", value: "Bearer a")]
        let b = [(name: "Content-Type", value: "application/json"), (name: "Authorization", value: "Bearer b")]
        let c = [(name: "Accept", value: "text/event-stream"), (name: "X-Empty", value: "")]
        let entryA = try Self.entry(cache, a)
        #expect(try Self.entry(cache, a) === entryA)
        #expect(cache.hits == 1 && cache.builds == 1)
        #expect(Self.lines(entryA) == ["Content-Type: application/json", "Authorization: Bearer a", "Expect:"])
        let entryB = try Self.entry(cache, b)
        #expect(entryB !== entryA)
        _ = try Self.entry(cache, a)  // a is now the most recent: b goes first
        let entryC = try Self.entry(cache, c)
        #expect(Self.lines(entryC) == ["Accept: text/event-stream", "X-Empty;", "Expect:"])
        #expect(cache.count == 2)
        #expect(try Self.entry(cache, a) === entryA)
        #expect(try Self.entry(cache, b) !== entryB)  // evicted, built again
        // An evicted entry still held by a transfer keeps its list.
        #expect(Self.lines(entryB) == ["Content-Type: application/json", "Authorization: Bearer b", "Expect:"])
    }

    @Test func invalidHeadersAreRefusedAndNotCached() {
        let cache = HeaderListCache()
        for headers in [[(name: "Bad Name", value: "x")], [(name: "X-Split", value: "a\r\nInjected: 1")]] {
            let result = cache.entry(for: headers, build: EasyHandleSetup.makeHeaderList)
            guard case .failure(let error) = result else {
                Issue.record("\(headers) was accepted")
                continue
            }
            #expect(error.message.contains("refusing to send it"))
        }
        #expect(cache.count == 0)
    }

    @Test func aReusedHandleSendsEachRequestsOwnMethodBodyAndHeaders() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            // One transfer at a time: every request runs on the same pooled handle.
            let steps: [(method: String, headers: [(name: String, value: String)], body: String)] = [
                ("POST", [("X-First", "1")], "one"),
                ("POST", [("X-First", "1")], "two"),
                ("GET", [("X-Second", "2")], ""),
                ("POST", [("X-Third", "3")], "three"),
                ("PUT", [], "four"),
                ("DELETE", [], ""),
                ("POST", [("X-First", "1")], ""),
                // Beyond `postFieldsLimit` the body is read through the callback, then from memory again.
                ("POST", [], String(repeating: "large body ", count: 10_000)),
                ("POST", [("X-Third", "3")], "small again"),
            ]
            for step in steps {
                let response = try await client.execute(UpstreamRequest(
                    url: upstream.url("/echo"), method: step.method,
                    headers: step.headers.map { (name: $0.0, value: $0.1) }, body: Array(step.body.utf8)))
                let echo = try json(try await response.body.collect(upTo: 1 << 20)) as? [String: Any]
                let headers = (echo?["headers"] as? [String: Any] ?? [:]).keys.map { $0.lowercased() }
                #expect(echo?["method"] as? String == step.method)
                #expect(echo?["body"] as? String == step.body, "\(step.method) \(step.body.prefix(20))")
                let custom = Set(headers.filter { $0.hasPrefix("x-") })
                #expect(custom == Set(step.headers.map { $0.0.lowercased() }), "\(step.method) \(step.body.prefix(20))")
            }
        }
    }

    private static func entry(
        _ cache: HeaderListCache, _ headers: [(name: String, value: String)]
    ) throws -> HeaderListCache.Entry {
        try cache.entry(for: headers, build: EasyHandleSetup.makeHeaderList).get()
    }

    /// The lines of a curl header list.
    private static func lines(_ entry: HeaderListCache.Entry) -> [String] {
        var lines: [String] = []
        var node = entry.list
        while let current = node {
            if let data = current.pointee.data { lines.append(String(cString: data)) }
            node = current.pointee.next
        }
        return lines
    }
}
