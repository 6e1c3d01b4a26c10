import Foundation

/// The dashboard's files, compiled into the binary (SwiftPM `embedInCode`, from `Assets/`): no
/// CDN, no files beside the binary, works offline.
public enum DashboardAssets {
    /// One file of the page.
    public struct Asset: Sendable {
        /// The `content-type` header value.
        public let contentType: String
        /// The bytes.
        public let bytes: [UInt8]
    }

    /// The page (`/ui`), its script and its style sheet, by URL path.
    public static let files: [String: Asset] = [
        "/ui": page,
        "/ui/dashboard.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.dashboard_js),
        "/ui/dashboard.css": Asset(contentType: "text/css; charset=utf-8", bytes: PackageResources.dashboard_css),
    ]

    private static let page = Asset(contentType: "text/html; charset=utf-8", bytes: PackageResources.index_html)

    /// The total size of the page's files (what a browser downloads for `/ui`), bytes.
    public static var pageWeight: Int {
        PackageResources.index_html.count + PackageResources.dashboard_js.count + PackageResources.dashboard_css.count
    }

    /// The policy served with every dashboard file: scripts and styles only from Triage itself,
    /// no inline code (no `unsafe-inline`), data only from Triage's own endpoints, no framing.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The dashboard as one self-contained HTML file showing `reportJSON` (a `Report` as
    /// `triage report --json` writes it): style and script inlined, the report embedded as a JSON
    /// data block, nothing fetched.
    public static func selfContainedHTML(reportJSON: [UInt8]) -> String {
        let html = String(decoding: PackageResources.index_html, as: UTF8.self)
        let css = String(decoding: PackageResources.dashboard_css, as: UTF8.self)
        let js = String(decoding: PackageResources.dashboard_js, as: UTF8.self)
        // "</" cannot end the data block early once written "<\/", which JSON reads as "</".
        let data = String(decoding: reportJSON, as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
        return html
            .replacingOccurrences(of: "<link rel=\"stylesheet\" href=\"/ui/dashboard.css\">", with: "<style>\n\(css)</style>")
            .replacingOccurrences(of: "<script src=\"/ui/dashboard.js\" defer></script>",
                          with: "<script type=\"application/json\" id=\"triage-data\">\(data)</script>")
            .replacingOccurrences(of: "</body>", with: "<script>\n\(js.replacingOccurrences(of: "</script", with: "<\\/script"))</script>\n</body>")
    }
}
