import Foundation
import Testing
import TriageConfig

/// The configuration files the repository ships: routes.yaml and docs/presets/*.yaml.
private enum Shipped {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let routes = root.appendingPathComponent("routes.yaml")

    static func files() throws -> [URL] {
        let presets = root.appendingPathComponent("docs/presets")
        let names = try FileManager.default.contentsOfDirectory(atPath: presets.path).filter { $0.hasSuffix(".yaml") }.sorted()
        return [routes] + names.map { presets.appendingPathComponent($0) }
    }

    /// The comment of a line: what follows its first `#`, if any.
    static func comment(_ line: Substring) -> String? {
        line.firstIndex(of: "#").map { String(line[line.index(after: $0)...]) }
    }
}

@Suite("What the shipped routes.yaml and presets say in their comments holds")
struct ShippedConfigTests {
    @Test("no local server address, in a value or a comment, is the address Triage itself listens on")
    func noPortClash() throws {
        for file in try Shipped.files() {
            let config = try ConfigLoader.load(path: file.path)
            let text = try String(contentsOf: file, encoding: .utf8)
            let own = ["127.0.0.1:\(config.listen.port)/", "localhost:\(config.listen.port)/"]
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for address in own {
                    #expect(!line.contains(address), "\(file.lastPathComponent):\(number + 1) names Triage's own \(address): \(line)")
                }
            }
        }
    }

    @Test("the `kind` comment of routes.yaml names every backend kind the parser accepts")
    func kindCommentNamesEveryKind() throws {
        let text = try String(contentsOf: Shipped.routes, encoding: .utf8)
        let kindLine = try #require(text.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("kind:") && $0.contains("#") })
        let comment = try #require(Shipped.comment(kindLine))
        for kind in BackendKind.allCases {
            #expect(comment.contains("'\(kind.rawValue)'"), "routes.yaml's kind comment leaves out '\(kind.rawValue)': \(comment)")
        }
    }
}
