import Testing
import TriageConfig

@Suite("ui")
struct UIConfigTests {
    @Test("on by default; ui: {enabled: false} turns it off; a non-boolean or an unknown field is refused with its line")
    func enabled() throws {
        #expect(try ConfigLoader.parse(yaml: twoBackends, sourceName: "good.yaml").ui.enabled)
        #expect(try !ConfigLoader.parse(yaml: twoBackends + "ui: {enabled: false}\n", sourceName: "good.yaml").ui.enabled)
        #expect(errorText(twoBackends + "ui: {enabled: maybe}\n").contains("bad.yaml:10: ui.enabled"))
        #expect(errorText(twoBackends + "ui: {enable: true}\n").contains("bad.yaml:10: ui"))
    }
}
