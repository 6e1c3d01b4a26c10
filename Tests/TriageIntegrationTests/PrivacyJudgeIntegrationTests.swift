import Foundation
import Testing
import TriageUpstream

/// The judge of shadow copies sees the prompt and both answers unmasked, so the privacy guard
/// keeps a request with sensitive data from a remote judge, as from every other remote path.
@Suite("Privacy guard and the LLM judge (real processes on 127.0.0.1)", .serialized)
struct PrivacyJudgeIntegrationTests {
    @Test("a remote judge never grades a sensitive request; a plain one is sent to it")
    func remoteJudge() async throws {
        try await Environment.with(yaml: { local, remote in
            // The shadow copy goes to a second local backend (the same fake), the judge is remote.
            """
            listen: {host: 127.0.0.1, port: 0}
            log: {path: "{LOG}"}
            privacy: {sensitive: local_only}
            backends:
              - {name: local, base_url: "\(local)", model: small-ft}
              - {name: local2, base_url: "\(local)", model: small-ft-2, remote: false}
              - {name: remote, base_url: "\(remote)", model: big-model, remote: true, api_key_env: TRIAGE_TEST_REMOTE_KEY}
            rules:
              - {name: default, match: {always: true}, route: local}
            auto: {default_backend: local}
            shadow: {rate: 1.0, backend: local2, daily_cap_usd: 5, judge: {backend: remote, daily_cap_usd: 5}}
            """
        }) { env in
            let secret = try await env.proxy.post(json: chatJSON("my card is 4111 1111 1111 1111, was it charged twice?"))
            #expect(secret.status == 200 && secret.headers.header("x-triage-backend") == "local")
            let records = try await env.triage.logRecords(atLeast: 1, timeout: .seconds(20))
            let guarded = try #require(records.first { $0["privacy"] != nil })
            #expect(guarded["shadow"] != nil, "the copy to the local shadow backend is allowed")
            let received = try await env.remote.receivedRequests(client: env.client)
            #expect(received.isEmpty, "the remote judge received \(received.count) request(s) about sensitive data")

            // The control: without sensitive data the same path reaches the remote judge.
            let plain = try await env.proxy.post(json: chatJSON("what are your opening hours?"))
            #expect(plain.status == 200)
            _ = try await env.triage.logRecords(atLeast: 2, timeout: .seconds(20))
            let judged = try await env.remote.receivedRequests(client: env.client)
            #expect(!judged.isEmpty, "the judge was never asked, so the first check proves nothing")
            #expect(!judged.contains { "\($0["body"] ?? "")".contains("4111") })
        }
    }
}
