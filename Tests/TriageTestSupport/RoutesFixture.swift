/// routes.yaml text for tests, from the parts that vary: by default one backend `local` that
/// nothing listens on, one rule `default` sending everything to it, and `auto` defaulting to it.
///
/// ```swift
/// let yaml = RoutesFixture.yaml(extra: "auth: {client_keys_env: [TEST_KEYS]}")
/// ```
public enum RoutesFixture {
    /// One backend as a YAML flow mapping, e.g. `{name: local, base_url: "http://127.0.0.1:1/v1", model: m}`;
    /// `more` adds members (`price: {...}`, `api_key_env: KEY`). Port 1 of 127.0.0.1: nothing answers there.
    public static func backend(_ name: String = "local", url: String = "http://127.0.0.1:1/v1", model: String = "m", more: String? = nil) -> String {
        "{name: \(name), base_url: \"\(url)\", model: \(model)" + (more.map { ", " + $0 } ?? "") + "}"
    }

    /// The rules list with one rule `default` that sends every request to `route`.
    public static func everything(to route: String) -> String {
        "  - {name: default, match: {always: true}, route: \(route)}"
    }

    /// A whole routes.yaml: `backends`, the `rules` list (YAML lines indented two spaces),
    /// `auto:` (left out when `nil`, e.g. when `extra` has an `auto:` block of its own), then
    /// `extra` top-level lines (`log:`, `auth:`, `limits:`, `privacy:`, ...).
    public static func yaml(
        backends: [String] = [backend()],
        rules: String = everything(to: "local"),
        auto: String? = "{default_backend: local}",
        extra: String = ""
    ) -> String {
        var lines = ["backends:"] + backends.map { "  - " + $0 } + ["rules:", rules]
        if let auto { lines.append("auto: " + auto) }
        if !extra.isEmpty { lines.append(extra) }
        return lines.joined(separator: "\n") + "\n"
    }
}
