import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TriageConfig
@testable import TriageServer
import TriageTestSupport

/// `/ui` and its JSON endpoints: served with a strict CSP, behind the client key, and gone with `ui: {enabled: false}`.
@Suite("Dashboard routes")
struct DashboardRouteTests {
    static let key = "dash-key-81f0"

    private func withServer(ui: String, _ body: (Router<TriageRequestContext>, String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-dash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let logPath = "\(directory.path)/routing.jsonl"
        let line = #"{"backend":"local","endpoint":"/v1/chat/completions","id":"tr-old","latency_ms":12.5,"messages":[{"content":"secret prompt text","role":"user"}],"reason":"r","response":"the answer","rule":"default","status":200,"stream":false,"ts":"2026-01-01T00:00:00.000Z","usage":{"completion_tokens":2,"prompt_tokens":3,"source":"upstream","total_tokens":5}}"#
        try (line + "\n").write(toFile: logPath, atomically: false, encoding: .utf8)
        let config = try ConfigLoader.parse(yaml: RoutesFixture.yaml(extra: """
            log: {path: "\(logPath)"}
            auth: {client_keys_env: [DASH_TEST_KEYS]}
            \(ui)
            """), sourceName: "routes.yaml")
        let server = try TriageServer(config: config, environment: ["DASH_TEST_KEYS": Self.key], logger: Logger(label: "test"))
        let (router, recorder, _, _) = try server.assemble()
        defer { server.close(recorder: recorder) }
        try await body(router, logPath)
    }

    @Test("the page has a strict CSP and no inline code; data needs the key; prompts only in the keyed detail")
    func servedAndGuarded() async throws {
        try await withServer(ui: "") { router, _ in
            try await Application(router: router).test(.router) { client in
                let page = try await client.execute(uri: "/ui", method: .get)
                #expect(page.status == .ok)
                let csp = page.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("script-src 'self'") && csp.contains("default-src 'none'") && !csp.contains("unsafe"))
                let html = String(buffer: page.body)
                #expect(html.contains("<script src=\"/ui/dashboard.js\" defer></script>"))
                #expect(!html.contains("<script>") && !html.contains("<style>") && !html.contains(" style=") && !html.contains("onclick"))
                let script = try await client.execute(uri: "/ui/dashboard.js", method: .get)
                #expect(script.headers[.contentType]?.hasPrefix("text/javascript") == true)
                #expect(!String(buffer: script.body).contains("innerHTML"))
                for uri in ["/v1/triage/report?since=1d", "/v1/triage/requests", "/v1/triage/requests/tr-old"] {
                    #expect(try await client.execute(uri: uri, method: .get).status == .unauthorized, "\(uri)")
                }
                let auth: HTTPFields = [.authorization: "Bearer \(Self.key)"]
                let list = try await client.execute(uri: "/v1/triage/requests?limit=5", method: .get, headers: auth)
                let listText = String(buffer: list.body)
                #expect(list.status == .ok && listText.contains("\"id\":\"tr-old\"") && listText.contains("secret prompt"))
                let detail = String(buffer: try await client.execute(uri: "/v1/triage/requests/tr-old", method: .get, headers: auth).body)
                #expect(detail.contains("\"response\":\"the answer\"") && detail.contains("\"feedback\":null"))
                #expect(try await client.execute(uri: "/v1/triage/requests/tr-nope", method: .get, headers: auth).status == .notFound)
                let report = try await client.execute(uri: "/v1/triage/report?since=2025-12-31&bucket=86400", method: .get, headers: auth)
                let reportText = String(buffer: report.body)
                // The old line and the three 401s above.
                #expect(report.status == .ok && reportText.contains("\"total_requests\" : 4") && reportText.contains("\"bucket_seconds\" : 86400"))
                let bad = try await client.execute(uri: "/v1/triage/report?since=yesterday", method: .get, headers: auth)
                #expect(bad.status == .badRequest && String(buffer: bad.body).contains("invalid_time"))
                let filtered = try await client.execute(uri: "/v1/triage/requests?status=error", method: .get, headers: auth)
                let errors = String(buffer: filtered.body)
                #expect(errors.contains("\"status\":401") && !errors.contains("tr-old"))
            }
        }
    }

    @Test("ui: {enabled: false} removes the page and its endpoints")
    func disabled() async throws {
        try await withServer(ui: "ui: {enabled: false}") { router, _ in
            try await Application(router: router).test(.router) { client in
                let auth: HTTPFields = [.authorization: "Bearer \(Self.key)"]
                for uri in ["/ui", "/ui/dashboard.js", "/v1/triage/report", "/v1/triage/requests", "/v1/triage/requests/tr-old"] {
                    let response = try await client.execute(uri: uri, method: .get, headers: auth)
                    #expect(response.status == .notFound, "\(uri)")
                }
            }
        }
    }
}
