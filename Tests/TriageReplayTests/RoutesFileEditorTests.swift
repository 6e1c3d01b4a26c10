import Foundation
import Testing
import TriageConfig

@testable import TriageReplay

@Suite("routes.yaml threshold edit")
struct RoutesFileEditorTests {
    static let yaml = """
    # Triage routes
    backends:
      - name: local
        base_url: http://127.0.0.1:8000/v1
        model: m
    auto:
      default_backend: local   # must name a backend above
      remote: remote           # edge cases
      min_fit: 0.05            # escalate atypical prompts
      # max_complexity: 0.9    (a commented-out line is not the key)
      max_complexity: 0.5
      cache_dir: .triage-cache
    report:
      min_fit: 7
    """

    @Test func editsOnlyTheTwoValuesKeepingCommentsAndColumns() throws {
        let (changes, text) = try RoutesFileEditor.plan(text: Self.yaml, path: "r.yaml", minFit: 0.1234, maxComplexity: 0.31)
        #expect(changes.map(\.line) == [9, 11])
        #expect(changes[0].new == "  min_fit: 0.1234          # escalate atypical prompts")
        #expect(changes[1].new == "  max_complexity: 0.31")
        let before = Self.yaml.components(separatedBy: "\n")
        let after = text.components(separatedBy: "\n")
        #expect(before.count == after.count)
        for index in before.indices where index != 8 && index != 10 {
            #expect(before[index] == after[index], "line \(index + 1)")
        }
    }

    @Test func clearErrorsWhenTheLinesCannotBeLocated() {
        #expect(throws: RoutesFileEditor.EditError.self) {
            try RoutesFileEditor.plan(text: "backends: []\n", path: "r.yaml", minFit: 0.1, maxComplexity: 0.5)
        }
        #expect(throws: RoutesFileEditor.EditError.self) {
            try RoutesFileEditor.plan(text: "auto: {min_fit: 0.1, max_complexity: 0.5}\n", path: "r.yaml", minFit: 0.1, maxComplexity: 0.5)
        }
        do {
            _ = try RoutesFileEditor.plan(text: "auto:\n  min_fit: 0.1\n", path: "r.yaml", minFit: 0.1, maxComplexity: 0.5)
            Issue.record("a missing max_complexity line must be an error")
        } catch {
            #expect(error.description.contains("has no 'max_complexity:' line"))
        }
    }

    @Test func windowsLineEndingsAreKept() throws {
        let crlf = Self.yaml.replacingOccurrences(of: "\n", with: "\r\n")
        let (changes, text) = try RoutesFileEditor.plan(text: crlf, path: "r.yaml", minFit: 0.2, maxComplexity: 0.4)
        #expect(changes.map(\.new) == ["  min_fit: 0.2             # escalate atypical prompts\r", "  max_complexity: 0.4\r"])
        #expect(text == crlf.replacingOccurrences(of: "min_fit: 0.05 ", with: "min_fit: 0.2  ").replacingOccurrences(of: "max_complexity: 0.5\r", with: "max_complexity: 0.4\r"))
    }

    @Test func writeReplacesTheFileKeepingItsModeOnceTheCopyLoads() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-edit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("routes.yaml").path
        let yaml = """
        backends:
          - {name: local, base_url: "http://127.0.0.1:8000/v1", model: m}
          - {name: remote, base_url: "https://api.example.com/v1", model: big}
        auto:
          default_backend: local
          remote: remote
          min_fit: 0.05   # comment
          max_complexity: 0.5

        """
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        let changes = try RoutesFileEditor.write(path: path, minFit: 0.125, maxComplexity: 0.3)
        #expect(changes.map(\.line) == [7, 8])
        let config = try ConfigLoader.load(path: path)
        #expect(config.auto.minFit == 0.125 && config.auto.maxComplexity == 0.3)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("  min_fit: 0.125  # comment\n"), "the comment stays in its column")
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["routes.yaml"], "no temporary file left")
    }

    @Test func unchangedValuesAreNoChange() throws {
        let (changes, text) = try RoutesFileEditor.plan(text: Self.yaml, path: "r.yaml", minFit: 0.05, maxComplexity: 0.5)
        #expect(changes.isEmpty)
        #expect(text == Self.yaml)
    }
}
