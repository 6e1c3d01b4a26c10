import Testing
import TriageConfig

@Suite("Connection timeouts: limits.idle_timeout, header_timeout, body_timeout")
struct ConnectionLimitsConfigTests {
    @Test("defaults are nginx's: 75 s keep-alive, 60 s for the head, 60 s between body reads")
    func defaults() throws {
        let config = try parse(twoBackends)
        #expect(config.limits.idleTimeout == 75)
        #expect(config.limits.headerTimeout == 60)
        #expect(config.limits.bodyTimeout == 60)
    }

    @Test("the timeouts are read")
    func reads() throws {
        let config = try parse(twoBackends + "limits: {idle_timeout: 5, header_timeout: 2.5, body_timeout: 10}\n")
        #expect(config.limits.idleTimeout == 5)
        #expect(config.limits.headerTimeout == 2.5)
        #expect(config.limits.bodyTimeout == 10)
    }

    @Test("zero, negative and non-numbers are reported with their field")
    func rejects() {
        let text = errorText(twoBackends + "limits: {idle_timeout: 0, header_timeout: -1, body_timeout: soon}\n")
        #expect(text.contains("limits.idle_timeout"), "\(text)")
        #expect(text.contains("limits.header_timeout"), "\(text)")
        #expect(text.contains("limits.body_timeout"), "\(text)")
    }
}
