import Testing
import TriageConfig
import TriageJSON
import TriagePrivacy
@testable import TriageServer

@Suite struct MaskedStreamRestorerTests {
    private func chunk(_ text: String, finish: String? = nil) -> String {
        let reason = finish.map { "\"\($0)\"" } ?? "null"
        return #"data: {"choices":[{"index":0,"delta":{"content":"\#(text)"},"finish_reason":\#(reason)}]}"# + "\n\n"
    }

    private func texts(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard line.hasPrefix("data: {"), let value = try? JSONParser.parse(Array(line.dropFirst(6).utf8)),
                  case .array(let choices)? = value["choices"] else { return nil }
            return choices.first?["delta"]?["content"]?.stringValue
        }
    }

    @Test func placeholdersSplitAcrossEventsAndBytesAreRestored() {
        var masking = Masking()
        _ = masking.placeholder(for: "4111 1111 1111 1111", type: .card)
        var restorer = MaskedStreamRestorer(masking: masking)
        let stream = Array((chunk("card [CA") + chunk("RD_") + chunk("1] ok") + chunk("", finish: "stop") + "data: [DONE]\n\n").utf8)
        var out: [UInt8] = []
        // Fed in 7-byte pieces: events and placeholders both arrive split.
        var index = 0
        while index < stream.count {
            out += restorer.feed(Array(stream[index..<min(index + 7, stream.count)]))
            index += 7
        }
        out += restorer.finish()
        #expect(texts(out).joined() == "card 4111 1111 1111 1111 ok")
        #expect(String(decoding: out, as: UTF8.self).hasSuffix("data: [DONE]\n\n"))
    }

    @Test func heldTextGoesOutWithTheFinishingChunk() {
        var masking = Masking()
        _ = masking.placeholder(for: "a@b.io", type: .email)
        var restorer = MaskedStreamRestorer(masking: masking)
        let out = restorer.feed(Array((chunk("mail [EMAIL_") + chunk("2 [x", finish: "stop")).utf8)) + restorer.finish()
        #expect(texts(out) == ["mail ", "[EMAIL_2 [x"], "an unknown placeholder-like text passes unchanged")
    }
}
