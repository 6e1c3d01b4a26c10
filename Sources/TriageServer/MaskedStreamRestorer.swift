import TriageAnthropic
import TriageJSON
import TriageSSE
import TriagePrivacy

/// Puts the values back into a streamed answer from a backend that saw the request masked
/// (`privacy.sensitive: mask`), in the client's own event format.
///
/// Works on the events the client would get (parsed with ``SSEParser``): the text of each
/// delta (OpenAI `choices[0].delta.content` or `choices[0].text`, Anthropic `text_delta`) goes
/// through a ``PlaceholderStreamRestorer``, which keeps back a piece that may be the start of a
/// placeholder split across events (`[EMA` + `IL_1]`) until the next delta completes it. What
/// is held when a non-text event arrives goes out first, in a copy of the last text event.
struct MaskedStreamRestorer: Sendable {
    private enum DeltaPath: Sendable {
        case openAIContent, openAIText, anthropicText
    }

    private var parser = SSEParser()
    private var text: PlaceholderStreamRestorer
    private var lastDelta: (name: String?, value: JSONValue, path: DeltaPath)?

    init(masking: Masking) {
        text = PlaceholderStreamRestorer(masking: masking)
    }

    /// Client-bound bytes with the placeholders restored (complete events only).
    mutating func feed(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for event in parser.feed(bytes) { handle(event, into: &out) }
        return out
    }

    /// The last events and anything still held.
    mutating func finish() -> [UInt8] {
        var out: [UInt8] = []
        for event in parser.finish() { handle(event, into: &out) }
        flush(into: &out)
        return out
    }

    private mutating func handle(_ event: SSEEvent, into out: inout [UInt8]) {
        let data = Array(event.data.utf8)
        if data.first == UInt8(ascii: "{"), let value = try? JSONParser.parse(data), let (path, piece) = Self.textDelta(value) {
            // The last text of a choice (it carries the finish reason) takes whatever is held.
            let finishes = value["choices"].flatMap { Self.firstChoice($0)?["finish_reason"] }.map { $0 != .null } ?? false
            let restored = finishes ? text.feed(piece) + text.flush() : text.feed(piece)
            lastDelta = (event.name, value, path)
            Self.write(name: event.name, data: Self.setting(restored, at: path, in: value).jsonBytes, into: &out)
            return
        }
        flush(into: &out)
        Self.write(name: event.name, data: data, into: &out)
    }

    private mutating func flush(into out: inout [UInt8]) {
        guard text.isHolding, let last = lastDelta else { return }
        let rest = text.flush()
        var copy = Self.setting(rest, at: last.path, in: last.value)
        // A copy of the last text event, without what belonged to it alone.
        if case .object(var members) = copy, case .array(var choices)? = members["choices"], case .object(var choice)? = choices.first {
            choice["finish_reason"] = .null
            choices[0] = .object(choice)
            members["choices"] = .array(choices)
            members["usage"] = nil
            copy = .object(members)
        }
        Self.write(name: last.name, data: copy.jsonBytes, into: &out)
    }

    private static func firstChoice(_ choices: JSONValue) -> JSONValue? {
        if case .array(let items) = choices { return items.first }
        return nil
    }

    private static func textDelta(_ value: JSONValue) -> (DeltaPath, String)? {
        if case .array(let choices)? = value["choices"], let choice = choices.first {
            if let content = choice["delta"]?["content"]?.stringValue { return (.openAIContent, content) }
            if let text = choice["text"]?.stringValue { return (.openAIText, text) }
            return nil
        }
        if value["type"]?.stringValue == "content_block_delta", value["delta"]?["type"]?.stringValue == "text_delta",
           let text = value["delta"]?["text"]?.stringValue {
            return (.anthropicText, text)
        }
        return nil
    }

    private static func setting(_ text: String, at path: DeltaPath, in value: JSONValue) -> JSONValue {
        guard case .object(var members) = value else { return value }
        switch path {
        case .openAIContent, .openAIText:
            guard case .array(var choices)? = members["choices"], case .object(var choice)? = choices.first else { return value }
            if path == .openAIText {
                choice["text"] = .string(text)
            } else if case .object(var delta)? = choice["delta"] {
                delta["content"] = .string(text)
                choice["delta"] = .object(delta)
            }
            choices[0] = .object(choice)
            members["choices"] = .array(choices)
        case .anthropicText:
            guard case .object(var delta)? = members["delta"] else { return value }
            delta["text"] = .string(text)
            members["delta"] = .object(delta)
        }
        return .object(members)
    }

    private static func write(name: String?, data: [UInt8], into out: inout [UInt8]) {
        SSEEvent.write(name: name, data: data, into: &out)
    }
}
