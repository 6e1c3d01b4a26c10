import Testing
import TriageConfig
import TriageLog
@testable import TriageServer

/// The check every upstream request passes (`RequestLifecycle.outbound`, called from
/// `makeUpstreamRequest`), independent of how the backend was chosen.
@Suite struct PrivacyGuardTests {
    private func routes(_ policy: PrivacyConfig.Policy) throws -> ActiveRoutes {
        var config = RoutesConfig(
            backends: [
                BackendConfig(name: "local", baseURL: "http://127.0.0.1:8000/v1", model: "s"),
                BackendConfig(name: "remote", baseURL: "https://api.example.com/v1", model: "b"),
            ],
            auto: AutoRouteConfig(defaultBackend: "local")
        )
        config.privacy = PrivacyConfig(policy: policy)
        return try ActiveRoutes(config: config, environment: [:])
    }

    private func request(_ text: String, routes: ActiveRoutes) throws -> ProxyRequest {
        var chat = try ProxyRequest(openAIChat: Array(#"{"model":"triage","messages":[{"role":"user","content":"\#(text)"}]}"#.utf8))
        var record = RoutingLogRecord(id: "t", timestamp: "", endpoint: "/v1/chat/completions", reason: "", status: 0, latencyMs: 0)
        RequestLifecycle.inspectPrivacy(&chat, active: routes, record: &record)
        return chat
    }

    @Test func localOnlyRefusesRemoteWhateverTheRoute() throws {
        let active = try routes(.localOnly)
        let remote = try #require(active.config.backend(named: "remote"))
        let local = try #require(active.config.backend(named: "local"))
        let sensitive = try request("IBAN DE89370400440532013000", routes: active)
        #expect(throws: APIError.self) { try RequestLifecycle.outbound(sensitive, to: remote, active: active) }
        do {
            _ = try RequestLifecycle.outbound(sensitive, to: remote, active: active)
        } catch {
            #expect(error.code == .sensitiveDataNoLocalBackend && error.status.code == 503)
            #expect(!error.message.contains("DE89"))
        }
        #expect(try RequestLifecycle.outbound(sensitive, to: local, active: active).rawBody == sensitive.rawBody)
        let plain = try request("hello", routes: active)
        #expect(try RequestLifecycle.outbound(plain, to: remote, active: active).rawBody == plain.rawBody)
    }

    @Test func maskSendsPlaceholdersAndKeepsTheRest() throws {
        let active = try routes(.mask)
        let remote = try #require(active.config.backend(named: "remote"))
        let sensitive = try request("mail a@b.io", routes: active).nonStreaming()
        let outbound = try RequestLifecycle.outbound(sensitive, to: remote, active: active)
        let body = String(decoding: outbound.body["messages"]?.jsonBytes ?? [], as: UTF8.self)
        #expect(body.contains("[EMAIL_1]") && !body.contains("a@b.io"))
        #expect(outbound.body["stream"] == .bool(false) && outbound.rawBody.isEmpty)
        #expect(RequestLifecycle.masking(for: sensitive, backend: remote, active: active)?.restore("to [EMAIL_1]") == "to a@b.io")
    }
}
