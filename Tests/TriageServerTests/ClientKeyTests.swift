import Testing
import TriageConfig
@testable import TriageServer
import TriageTestSupport

@Suite("Client key check")
struct ClientKeyTests {
    private func routes(keys: String) throws -> ActiveRoutes {
        let config = try ConfigLoader.parse(
            yaml: RoutesFixture.yaml(extra: "auth: {client_keys_env: [TEST_CLIENT_KEYS]}"), sourceName: "routes.yaml")
        return try ActiveRoutes(config: config, environment: ["TEST_CLIENT_KEYS": keys])
    }

    @Test("the exact key passes; the key followed by 256·k extra characters (a length equal modulo 256) does not")
    func fullLengthCompared() throws {
        let key = "triage-client-key-7d1e"
        let active = try routes(keys: "other, \(key)")
        #expect(active.acceptsClientKey(key))
        #expect(active.acceptsClientKey("other"))
        for extra in [1, 255, 256, 512, 1024, 65536] {
            #expect(!active.acceptsClientKey(key + String(repeating: "x", count: extra)), "key + \(extra) characters")
            #expect(!active.acceptsClientKey(key + String(repeating: "\u{0}", count: extra)), "key + \(extra) NULs")
        }
        #expect(!active.acceptsClientKey(String(key.dropLast())))
        #expect(!active.acceptsClientKey(""))
        #expect(!active.acceptsClientKey("Triage-client-key-7d1e"))
    }

    @Test("constant-time comparison: equal only for the same bytes and the same full length")
    func constantTimeEqual() {
        let key = Array("abc".utf8)
        #expect(ActiveRoutes.constantTimeEqual(key, key))
        #expect(!ActiveRoutes.constantTimeEqual(key, key + [0]))
        #expect(!ActiveRoutes.constantTimeEqual(key, key + [UInt8](repeating: 0, count: 256)))
        #expect(!ActiveRoutes.constantTimeEqual(key + [UInt8](repeating: 0, count: 256), key))
        #expect(!ActiveRoutes.constantTimeEqual(key, Array("abd".utf8)))
        #expect(!ActiveRoutes.constantTimeEqual([], key))
    }
}
