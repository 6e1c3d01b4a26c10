import Foundation
import Testing
import TriageAnthropic
import TriageJSON

/// Parses a JSON object literal written in a test.
func object(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: JSONValue] {
    let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    guard case .object(let members) = value else {
        Issue.record("not a JSON object: \(text)", sourceLocation: sourceLocation)
        return [:]
    }
    return members
}

/// Parses a JSON value written in a test.
func json(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}

/// One event of translated SSE output, parsed for assertions.
struct ParsedEvent: Equatable {
    var name: String?
    var data: String

    /// The data parsed as JSON (nil for `[DONE]`).
    var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(data.utf8)) }
}

/// Splits translated SSE output into events; the translators write `event:` and single `data:` lines.
func parseEvents(_ bytes: [UInt8]) -> [ParsedEvent] {
    let text = String(decoding: bytes, as: UTF8.self)
    return text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { block in
        var event = ParsedEvent(name: nil, data: "")
        for line in block.split(separator: "\n") {
            if line.hasPrefix("event: ") { event.name = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { event.data = String(line.dropFirst(6)) }
        }
        return event
    }
}

extension JSONValue {
    /// `self[a][b]...` for tests.
    subscript(path: String...) -> JSONValue? {
        var current: JSONValue? = self
        for key in path { current = current?[key] }
        return current
    }

    /// Element `index` of an array.
    subscript(index index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }
}

/// Feeds `input` to `stream` (whole, or one byte at a time), then finishes it; returns the
/// translated bytes and the translator's final state.
func drive<Translator: StreamTranslator>(_ stream: Translator, _ input: String, byteByByte: Bool) -> (bytes: [UInt8], stream: Translator) {
    var stream = stream
    var out: [UInt8] = []
    let bytes = Array(input.utf8)
    if byteByByte {
        for byte in bytes { out += stream.feed([byte]) }
    } else {
        out += stream.feed(bytes)
    }
    out += stream.finish()
    return (out, stream)
}
