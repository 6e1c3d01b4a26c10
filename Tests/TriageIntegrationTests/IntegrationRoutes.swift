import Foundation
import TriageTestSupport

/// The `auto:` section of the classifier tests: `route: auto` chooses between `local` and
/// `remote` over the banking reference fixture.
func bankingAuto(cacheDirectory: String) -> String {
    """
    auto:
      default_backend: local
      local: local
      remote: remote
      reference: \(Repo.fixtures.appendingPathComponent("reference-banking.jsonl").path)
      cache_dir: \(cacheDirectory)
      min_fit: 0.05
      max_complexity: 0.5
    """
}

/// A new temporary directory `triage-<name>-<uuid>` holding a routes.yaml for the commands that
/// classify without serving (`explain`, `score`): backends `local` and `remote` that nothing
/// listens on, every request routed `auto` by ``bankingAuto(cacheDirectory:)``, then `extra`.
func bankingWorkspace(_ name: String, extra: String = "") throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let yaml = RoutesFixture.yaml(
        backends: [RoutesFixture.backend(), RoutesFixture.backend("remote", url: "https://api.example.com/v1", model: "big")],
        rules: RoutesFixture.everything(to: "auto"), auto: nil,
        extra: bankingAuto(cacheDirectory: directory.path + "/cache") + "\n" + extra
    )
    try yaml.write(to: directory.appendingPathComponent("routes.yaml"), atomically: true, encoding: .utf8)
    return directory
}

/// Backends `local` (`small-ft`) and `remote` (`big-model` at $1,000 per million tokens each
/// way, so that a shadow copy costs about $0.01) at the fake upstreams' URLs.
func localAndPricedRemote(local: String, remote: String) -> [String] {
    [
        RoutesFixture.backend(url: local, model: "small-ft"),
        RoutesFixture.backend("remote", url: remote, model: "big-model", more: "price: {input_per_million: 1000, output_per_million: 1000}"),
    ]
}
