import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TriageConfig
@testable import TriageServer
import TriageTestSupport

/// Walks every route the router has (not a list kept by hand, so a route added later cannot be
/// forgotten) with client keys on: each one but `/healthz` and the dashboard's page files
/// (`/ui`, its script and style sheet, which hold no data) must refuse a request without a key,
/// and each one must refuse oversize headers.
@Suite("Every route goes through the middleware chain")
struct RouteAuthTests {
    static let key = "route-walk-key-5b2c"

    private func withServer(_ body: (Router<TriageRequestContext>) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-routes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try ConfigLoader.parse(yaml: RoutesFixture.yaml(extra: """
            log: {path: "\(directory.path)/routing.jsonl"}
            limits: {max_header_bytes: 4096}
            auth: {client_keys_env: [ROUTE_TEST_KEYS]}
            """), sourceName: "routes.yaml")
        let server = try TriageServer(config: config, environment: ["ROUTE_TEST_KEYS": Self.key], logger: Logger(label: "test"))
        let (router, recorder, _, _) = try server.assemble()
        defer { server.close(recorder: recorder) }
        try await body(router)
    }

    @Test("no key: 401 in the client's error shape on every route but /healthz; oversize headers: 431 on every route")
    func everyRouteNeedsAKey() async throws {
        try await withServer { router in
            // (path, method) of every route registered on the router.
            let routes = router.routes.map { (path: "\($0.path)", method: $0.method) }
            #expect(routes.count >= 8)
            #expect(routes.contains { $0.path == "/v1/feedback" && $0.method == .post })
            #expect(routes.contains { $0.path == "/v1/triage/report" } && routes.contains { $0.path == "/v1/triage/requests" })
            let app = Application(router: router)
            try await app.test(.router) { client in
                for route in routes {
                    let path = route.path
                    let body = route.method == .post ? ByteBuffer(string: #"{"request_id":"tr-000000000000000000000000","score":-1}"#) : nil
                    let bare = try await client.execute(uri: path, method: route.method, body: body)
                    // The dashboard's page files hold no data: they load without a key (and then ask for one).
                    let open = path == "/healthz" || path.hasPrefix("/ui")
                    if open {
                        #expect(bare.status == .ok, "\(route)")
                    } else {
                        #expect(bare.status == .unauthorized, "\(route) answered \(bare.status) without a key")
                        let text = String(buffer: bare.body)
                        // OpenAI's shape, or Anthropic's on the Anthropic endpoint.
                        let shaped = path == "/v1/messages" ? text.contains("authentication_error") : text.contains("invalid_api_key")
                        #expect(shaped, "\(route): \(text)")
                    }
                    let wrong = try await client.execute(uri: path, method: route.method, headers: [.authorization: "Bearer \(Self.key)x"], body: body)
                    #expect(wrong.status == (open ? .ok : .unauthorized), "\(route) with a wrong key")
                    var padded: HTTPFields = [.authorization: "Bearer \(Self.key)"]
                    padded[.userAgent] = String(repeating: "p", count: 5000)
                    let big = try await client.execute(uri: path, method: route.method, headers: padded, body: body)
                    #expect(big.status == .requestHeaderFieldsTooLarge, "\(route) with oversize headers answered \(big.status)")
                }
                // With the key, feedback is checked as usual (the id is unknown: 404, not 401).
                let keyed = try await client.execute(
                    uri: "/v1/feedback", method: .post, headers: [.authorization: "Bearer \(Self.key)"],
                    body: ByteBuffer(string: #"{"request_id":"tr-000000000000000000000000","score":-1}"#)
                )
                #expect(keyed.status == .notFound)
                // The server's own small JSON answers, to the byte.
                let models = try await client.execute(uri: "/v1/models", method: .get, headers: [.authorization: "Bearer \(Self.key)"])
                #expect(String(buffer: models.body) == #"{"data":[{"created":0,"id":"triage","object":"model","owned_by":"triage"}],"object":"list"}"#)
                #expect(String(buffer: try await client.execute(uri: "/healthz", method: .get).body) == #"{"status":"ok"}"#)
            }
        }
    }
}
