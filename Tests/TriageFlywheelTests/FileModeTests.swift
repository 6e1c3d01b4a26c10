import Foundation
import Glibc
import Testing
import TriageJSON
import TriageLog
@testable import TriageFlywheel

private func mode(of path: String) -> mode_t {
    var info = stat()
    guard stat(path, &info) == 0 else { return 0 }
    return info.st_mode & 0o777
}

/// Files holding prompts are readable by their owner only, whatever the umask.
@Suite struct FileModeTests {
    @Test("exported fine-tuning splits and single files are created 0600")
    func exportedFiles() throws {
        let dir = try TemporaryDirectory()
        let log = dir.file("routing.jsonl")
        try Fixture.write(records: (0..<20).map { Fixture.record(id: "\($0)", prompt: "prompt number \($0)", response: "answer \($0)") }, to: log)
        let old = umask(0o022)
        defer { umask(old) }
        _ = try Exporter(options: ExportOptions(format: .chat)).export(logPath: log, to: .splitDirectory(dir.file("ft")))
        for split in ["train", "validation", "test"] {
            let path = dir.file("ft/\(split).jsonl")
            if FileManager.default.fileExists(atPath: path) { #expect(mode(of: path) == 0o600, "\(split)") }
        }
        #expect(FileManager.default.fileExists(atPath: dir.file("ft/train.jsonl")))
        _ = try Exporter(options: ExportOptions(format: .chat)).export(logPath: log, to: .singleFile(dir.file("one.jsonl")))
        #expect(mode(of: dir.file("one.jsonl")) == 0o600)
        _ = try LabelExporter(options: LabelOptions(localBackends: ["local"])).export(logPath: log, to: dir.file("labels.jsonl"))
        #expect(mode(of: dir.file("labels.jsonl")) == 0o600)
    }

    @Test("feedback.jsonl is created 0600, an existing 0644 one is tightened, and a configured mode is applied")
    func feedbackFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("feedback.jsonl")
        let old = umask(0)
        defer { umask(old) }
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644])
        let store = try FeedbackStore(path: path)
        try store.append(Feedback(timestamp: "2026-12-01T10:00:00.000Z", requestID: "tr-1", score: 1))
        #expect(mode(of: path) == 0o600)
        _ = try FeedbackStore(path: dir.file("group.jsonl"), mode: 0o640)
        #expect(mode(of: dir.file("group.jsonl")) == 0o640)
    }
}
