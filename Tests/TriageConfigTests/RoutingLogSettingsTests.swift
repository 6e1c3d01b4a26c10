import Testing
import TriageConfig

@Suite("Routing log settings: write-error policy, file mode")
struct RoutingLogSettingsTests {
    @Test("defaults: fail_open, 0600")
    func defaults() throws {
        let config = try parse(twoBackends)
        #expect(config.log.onWriteError == .failOpen)
        #expect(config.log.fileMode == 0o600)
    }

    @Test("on_write_error and file_mode are read")
    func reads() throws {
        let config = try parse(twoBackends + "log: {path: logs/r.jsonl, on_write_error: fail_closed, file_mode: \"0640\"}\n")
        #expect(config.log.onWriteError == .failClosed)
        #expect(config.log.fileMode == 0o640)
        #expect(try parse(twoBackends + "log: {file_mode: 600}\n").log.fileMode == 0o600)
    }

    @Test("bad values are reported with their line")
    func rejects() {
        let text = errorText(twoBackends + "log: {on_write_error: drop, file_mode: \"0644x\"}\n")
        #expect(text.contains("log.on_write_error: must be fail_open or fail_closed, got 'drop'"), "\(text)")
        #expect(text.contains("log.file_mode: must be an octal mode"), "\(text)")
        #expect(errorText(twoBackends + "log: {file_mode: \"0400\"}\n").contains("log.file_mode"))
        #expect(errorText(twoBackends + "log: {file_mode: \"1777\"}\n").contains("log.file_mode"))
    }
}
