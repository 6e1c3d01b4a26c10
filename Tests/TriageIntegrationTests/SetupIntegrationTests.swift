import Foundation
import Testing

/// Runs a program to completion; returns its exit status and output.
private func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> ProgramRun {
    try await ProgramRun.run(executable, arguments, environment: environment)
}

/// `make` in the repository.
private func make(_ arguments: [String]) async throws -> ProgramRun {
    try await run("/usr/bin/env", ["make", "--no-print-directory", "-C", Repo.root.path] + arguments)
}

/// A temporary directory, removed after `body`.
private func withTemporaryDirectory(_ body: (URL) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-setup-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory)
}

@Suite("Setting up and using the CLI as a new user would")
struct SetupIntegrationTests {
    @Test("`make install` puts triage (with its resources) in DESTDIR/PREFIX/bin, where it runs; `make uninstall` removes it")
    func makeInstall() async throws {
        try await withTemporaryDirectory { destdir in
            let install = try await make(["install", "TRIAGE_BIN=\(Repo.triageBinary)", "DESTDIR=\(destdir.path)", "PREFIX=/opt/triage-test"])
            #expect(install.status == 0, "stdout:\n\(install.stdout)\nstderr:\n\(install.stderr)")
            let bin = destdir.appendingPathComponent("opt/triage-test/bin")
            let installed = bin.appendingPathComponent("triage").path
            #expect(FileManager.default.isExecutableFile(atPath: installed))
            #expect(try await run(installed, ["--version"]).status == 0)
            // The installed binary finds the default complexity weights in its own directory.
            let explain = try await run(installed, ["explain", "--config", Repo.root.appendingPathComponent("routes.yaml").path, "hello"])
            #expect(explain.status == 0, "stderr:\n\(explain.stderr)")
            #expect(explain.stdout.contains("complexity:"), "stdout:\n\(explain.stdout)")

            let uninstall = try await make(["uninstall", "DESTDIR=\(destdir.path)", "PREFIX=/opt/triage-test"])
            #expect(uninstall.status == 0, "stderr:\n\(uninstall.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: bin.path).isEmpty)
        }
    }

    @Test("`make test` runs one test runner: XCTest's is off exactly when no test uses XCTest")
    func oneTestRunner() async throws {
        let tests = Repo.root.appendingPathComponent("Tests")
        let files = FileManager.default.enumerator(atPath: tests.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        #expect(!files.isEmpty)
        let usesXCTest = try files.contains { file in
            try String(contentsOf: tests.appendingPathComponent(file), encoding: .utf8).split(separator: "\n")
                .contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("import XCTest") }
        }
        let dryRun = try await make(["-n", "test"])
        #expect(dryRun.status == 0, "stderr:\n\(dryRun.stderr)")
        let testLine = try #require(dryRun.stdout.split(separator: "\n").first { $0.contains(" test ") && $0.contains("--skip-build") })
        #expect(testLine.contains("--disable-xctest") == !usesXCTest, "make test runs: \(testLine)")
    }

    @Test("help texts have no hard line breaks inside sentences: the terminal wraps them")
    func helpWraps() async throws {
        for command in [[], ["serve"], ["check"], ["tail"], ["explain"], ["train"], ["export"], ["report"]] {
            let help = try await run(Repo.triageBinary, command + ["--help"], environment: ["COLUMNS": "1000"])
            #expect(help.status == 0)
            // The text before USAGE: overview and discussion. Example lines are indented.
            let overview = help.stdout.components(separatedBy: "USAGE:").first ?? ""
            for paragraph in overview.components(separatedBy: "\n\n") {
                let lines = paragraph.split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.hasSuffix(":") }
                #expect(lines.count <= 1, "triage \(command.joined()) --help breaks a paragraph:\n\(paragraph)")
            }
        }
    }

    @Test("counts in CLI output agree with their nouns: 1 backend, 1 rule, 2 rules")
    func plurals() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("routes.yaml").path
            try """
            backends: [{name: local, base_url: "http://127.0.0.1:8000/v1", model: m}]
            rules: [{name: everything, match: {always: true}, route: local}]
            auto: {default_backend: local}
            """.write(toFile: path, atomically: true, encoding: .utf8)
            let one = try await run(Repo.triageBinary, ["check", path])
            #expect(one.stdout.contains("OK — 1 backend (local), 1 rule, model: triage"), "stdout: \(one.stdout)")
            let shipped = try await run(Repo.triageBinary, ["check", Repo.root.appendingPathComponent("routes.yaml").path])
            #expect(shipped.stdout.contains("2 backends (local, remote), 5 rules, model: triage"), "stdout: \(shipped.stdout)")
            let explain = try await run(Repo.triageBinary, ["explain", "--config", path, "a"])
            #expect(explain.stdout.contains("(1 byte, ~5 tokens)"), "stdout: \(explain.stdout)")
        }
    }

    @Test("every `triage` command named in the shipped configs' comments is a real subcommand")
    func commandsInComments() async throws {
        let help = try await run(Repo.triageBinary, ["--help"])
        let subcommands = Set(help.stdout.components(separatedBy: "SUBCOMMANDS:").last?.split(separator: "\n")
            .compactMap { $0.split(separator: " ").first.map(String.init) } ?? [])
        #expect(subcommands.isSuperset(of: ["serve", "check", "tail", "report"]), "\(subcommands)")
        let presets = Repo.root.appendingPathComponent("docs/presets")
        let files = [Repo.root.appendingPathComponent("routes.yaml")]
            + (try FileManager.default.contentsOfDirectory(atPath: presets.path)).filter { $0.hasSuffix(".yaml") }.map { presets.appendingPathComponent($0) }
        // `triage` as a command word (not x-triage-backend, triage-local-ft or the model id in
        // [triage]), and the word after it.
        let command = try NSRegularExpression(pattern: #"(?<![\w\[-])triage(?=\s|`|$)(?: +([a-z]+))?"#)
        for file in files {
            for (number, line) in try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                guard let hash = line.firstIndex(of: "#") else { continue }
                let comment = String(line[hash...])
                for match in command.matches(in: comment, range: NSRange(comment.startIndex..., in: comment)) {
                    let word = Range(match.range(at: 1), in: comment).map { String(comment[$0]) }
                    let shown = Range(match.range, in: comment).map { String(comment[$0]) } ?? ""
                    #expect(word.map(subcommands.contains) == true, "\(file.lastPathComponent):\(number + 1): `\(shown)` is not a triage command")
                }
            }
        }
    }
}
