import Foundation
import Testing
import TriageUpstream

/// The dashboard in a real browser: headless Chromium (Debian's `chromium`, installed by
/// `make deps`) against a running Triage with generated traffic, driven by
/// `Tests/Fixtures/dashboard_browser_check.py` over the DevTools protocol.
@Suite("Dashboard in headless Chromium (real processes on 127.0.0.1)")
struct DashboardBrowserIntegrationTests {
    static let key = "dash-browser-key-3c7e"
    static let chromium = "/usr/bin/chromium"

    private func routes(local: String, remote: String, cache: String) -> String {
        """
        listen: {host: 127.0.0.1, port: 0}
        log: {path: "{LOG}"}
        backends:
          - {name: local, base_url: "\(local)", model: small-ft, price: {input_per_million: 0.1, output_per_million: 0.2}}
          - {name: remote, base_url: "\(remote)", model: big-model, price: {input_per_million: 2.5, output_per_million: 10}}
        rules:
          - name: header-remote
            match: {header: {name: X-Triage-Backend, value: remote}}
            route: remote
          - name: default
            match: {always: true}
            route: auto
        auto:
          default_backend: local
          local: local
          remote: remote
          reference: \(Repo.fixtures.appendingPathComponent("reference-banking.jsonl").path)
          cache_dir: \(cache)
          min_fit: 0.05
          max_complexity: 0.5
        auth: {client_keys_env: [DASH_BROWSER_KEYS]}
        report: {monthly_fixed_cost_usd: 0.5}
        """
    }

    /// Routine banking prompts (local), unusual ones (remote by fit), streams, a forced remote and a failure.
    private func traffic(_ proxy: ProxyClient) async throws {
        let auth = [(name: "Authorization", value: "Bearer \(Self.key)")]
        let routine = ["How do I check my card balance?", "Why was my card declined?", "How do I reset my PIN?",
                       "Can I get a refund for a card payment?", "How do I order a new card?"]
        let unusual = ["Write a sonnet about volcanoes and the sea", "Explain the rules of cricket to a child",
                       "What is the melting point of tungsten in kelvin?"]
        for index in 0..<24 {
            let prompt = index % 3 == 2 ? unusual[index % unusual.count] : routine[index % routine.count]
            let response = try await proxy.post(json: chatJSON(prompt, stream: index % 4 == 0), headers: auth)
            #expect(response.status == 200)
        }
        _ = try await proxy.post(json: chatJSON("fail please [[fail:500]]"), headers: auth)
        _ = try await proxy.post(json: chatJSON("a forced remote question"), headers: auth + [(name: "X-Triage-Backend", value: "remote")])
    }

    @Test("numbers on the page equal the report JSON; live view within 2 s; offline; strict CSP; screenshots")
    func dashboard() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.chromium) else {
            Issue.record("\(Self.chromium) is missing: `make deps` installs Debian's chromium for this test")
            return
        }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("triage-dash-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        try await Environment.with(
            environment: ["DASH_BROWSER_KEYS": Self.key],
            yaml: { local, remote in self.routes(local: local, remote: remote, cache: cache) }
        ) { env in
            try await traffic(env.proxy)
            _ = try await env.triage.logRecords(atLeast: 26)
            // The README's screenshots (docs/img) are rewritten only when asked, so a test run
            // leaves the checkout as it was: TRIAGE_UPDATE_SCREENSHOTS=1 make test.
            let update = ProcessInfo.processInfo.environment["TRIAGE_UPDATE_SCREENSHOTS"] == "1"
            let screenshots = update ? Repo.root.appendingPathComponent("docs/img").path : cache
            let run = try await ProgramRun.run("/usr/bin/env", [
                "python3", Repo.fixtures.appendingPathComponent("dashboard_browser_check.py").path,
                "--base", env.triage.url, "--key", Self.key, "--screenshots", screenshots, "--chromium", Self.chromium,
            ])
            #expect(run.status == 0, "\(run.stderr)")
            let summary = try #require(jsonObject(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(run.stdout)\n\(run.stderr)")
            let pageBytes = try #require(summary["page_bytes"] as? Int)
            #expect(pageBytes > 10_000 && pageBytes <= 300_000, "page weight \(pageBytes) bytes")
            #expect((summary["live_ms"] as? Int).map { $0 <= 2_000 } == true, "\(summary)")
            #expect((summary["checked"] as? Int).map { $0 >= 20 } == true, "\(summary)")
            print("dashboard browser check: \(run.stdout)")
            for name in ["dashboard.png", "dashboard-detail.png"] {
                let size = (try? FileManager.default.attributesOfItem(atPath: screenshots + "/" + name)[.size] as? Int) ?? 0
                #expect(size > 10_000, "\(name): \(size) bytes")
            }
            try await selfContainedReport(env)
        }
    }

    /// `triage report --html`: one file, nothing to fetch, and it renders the same total in Chromium.
    private func selfContainedReport(_ env: Environment) async throws {
        let file = env.triage.directory.appendingPathComponent("report.html").path
        let report = try await ProgramRun.run(Repo.triageBinary, ["report", "--config", env.triage.configPath, "--html", file, "--json"])
        #expect(report.status == 0, "\(report.stderr)")
        let total = try #require(jsonObject(report.stdout)?["total_requests"] as? Int)
        let html = try String(contentsOfFile: file, encoding: .utf8)
        #expect(html.contains("id=\"triage-data\"") && !html.contains("src=\"") && !html.contains("href=\""))
        let profile = env.triage.directory.appendingPathComponent("chromium-profile").path
        let dom = try await ProgramRun.run(Self.chromium, [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=3000", "--dump-dom", "file://\(file)",
        ])
        #expect(dom.stdout.contains("data-k=\"total_requests\">\(total)</b>"), "\(dom.stderr.suffix(2000))")
    }
}
