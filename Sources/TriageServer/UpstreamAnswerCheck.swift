import TriageAnthropic
import TriageConfig
import TriageJSON
import TriageSSE

/// Tells a backend's broken 2xx answers from real ones, so that an HTML error page, JSON sent
/// to a stream request or events that are not JSON never reach a client (or the routing log)
/// as a successful, empty answer.
enum UpstreamAnswerCheck {
    /// Why a whole (non-streamed) 2xx body is not an answer of `kind`, or nil if it is one: a
    /// JSON object with `choices` (OpenAI) or `content` (Anthropic).
    /// `expected` overrides what is looked for: the member holding the answer (`output` for a
    /// Responses answer, `data` for embeddings) and how to name such an answer.
    static func problem(
        withAnswer body: [UInt8], contentType: String?, kind: BackendKind, expected: (member: String, what: String)? = nil
    ) -> String? {
        let member = answerMember(kind: kind, expected: expected)
        let value = try? JSONParser.parse(body[...], keeping: JSONKeyFilter([member]))
        return problem(withAnswer: body, value: value, member: member, contentType: contentType, kind: kind, expected: expected)
    }

    /// The same verdict from the answer's one parse (see ``AnswerBody``): its filter keeps the
    /// member looked for, and only when it failed is the body parsed again for that member alone
    /// (a stricter parse can fail where the check's own would not, on bytes it skips).
    static func problem(
        withAnswer answer: AnswerBody, contentType: String?, kind: BackendKind, expected: (member: String, what: String)? = nil
    ) -> String? {
        guard let parsed = answer.parsed else {
            return problem(withAnswer: answer.bytes, contentType: contentType, kind: kind, expected: expected)
        }
        let member = answerMember(kind: kind, expected: expected)
        return problem(withAnswer: answer.bytes, value: parsed, member: member, contentType: contentType, kind: kind, expected: expected)
    }

    /// The member that holds the answer: `expected`'s, else `choices` (OpenAI) or `content` (Anthropic).
    private static func answerMember(kind: BackendKind, expected: (member: String, what: String)?) -> String {
        expected?.member ?? (kind == .anthropic ? "content" : "choices")
    }

    private static func problem(
        withAnswer body: [UInt8], value: JSONValue?, member: String, contentType: String?, kind: BackendKind,
        expected: (member: String, what: String)?
    ) -> String? {
        if case .object(let members)? = value, case .array? = members[member] {
            return nil
        }
        let what = expected?.what ?? (kind == .anthropic ? "an Anthropic message" : "a chat completion")
        return "answered HTTP 200 with something that is not \(what) (\(describe(contentType: contentType, body: body)))"
    }

    /// Why the head of a 2xx answer to a streamed request is not a stream, or nil: a declared
    /// content type must be `text/event-stream`.
    static func problem(withStreamContentType contentType: String?) -> String? {
        guard let contentType, !isEventStream(contentType) else { return nil }
        let media = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return media == "text/event-stream" ? nil : "answered a streamed request with \(media.isEmpty ? "an empty content type" : media) instead of server-sent events"
    }

    /// Whether `contentType`'s media type is `text/event-stream` (any case, parameters and
    /// surrounding blanks allowed), read byte by byte: this runs once per streamed answer, and
    /// Foundation's trimming and lowercasing cost more than the rest of the check.
    static func isEventStream(_ contentType: String) -> Bool {
        let expected = Array("text/event-stream".utf8)
        var bytes = contentType.utf8[...]
        while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { bytes = bytes.dropFirst() }
        var index = bytes.startIndex
        for byte in expected {
            guard index < bytes.endIndex else { return false }
            // ASCII letters only differ by 0x20 between cases; the other bytes must match exactly.
            let actual = bytes[index]
            guard actual == byte || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") && actual == byte - 32) else { return false }
            index = bytes.index(after: index)
        }
        let rest = bytes[index...].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        return rest.isEmpty || rest.first == UInt8(ascii: ";")
    }

    /// `content-type X, body starts "..."`, for messages.
    static func describe(contentType: String?, body: [UInt8]) -> String {
        let start = String(decoding: body.prefix(120), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        return "content-type \(contentType ?? "none"), body starts \"\(start)\"" + (body.count > 120 ? "..." : "")
    }
}

/// Checks a backend's event stream as it arrives: every event's data must be a JSON object
/// (or OpenAI's `[DONE]`), and the stream must carry at least one event. Framing is
/// TriageSSE's `SSEParser`, the one SSE reader.
///
/// Made with `summarizing`, the same parse of each event also builds what the routing log
/// keeps of a passed-through OpenAI stream (``summary``), so the answer is not framed and
/// parsed a second time after it ended.
struct StreamAnswerCheck: Sendable {
    private var parser = SSEParser()
    private var events = 0
    /// Set once the stream has shown it is not a valid answer stream.
    private(set) var problem: String?
    /// The summary of the events checked so far (only with `summarizing`); nil once the stream
    /// has shown it is invalid (its summary is never used then).
    private(set) var summary: ChatResponseSummary?

    init(summarizing: Bool = false) {
        if summarizing { summary = ChatResponseSummary() }
    }

    /// Checks the events `bytes` complete; returns false once the stream is invalid.
    mutating func feed(_ bytes: [UInt8]) -> Bool {
        guard problem == nil else { return false }
        check(parser.feed(bytes))
        return problem == nil
    }

    /// Checks the end of the stream; returns false if it is invalid (or ended without events).
    mutating func finish() -> Bool {
        guard problem == nil else { return false }
        check(parser.finish())
        if problem == nil, events == 0 {
            problem = "sent a stream without a single server-sent event"
        }
        return problem == nil
    }

    private mutating func check(_ batch: [SSEEvent]) {
        // Taken out while it grows: its text is then held once, and adding an event's piece
        // never copies what the stream said so far. An invalid stream leaves it out (nil).
        var summarized = summary
        summary = nil
        for event in batch {
            events += 1
            if event.data == "[DONE]" { continue }
            var data = event.data
            let isJSON = data.withUTF8 { buffer -> Bool in
                guard buffer.first == UInt8(ascii: "{") else { return false }
                do throws(JSONParseError) {
                    if summarized != nil {
                        try summarized?.absorb(json: buffer, streamed: true)
                    } else {
                        try JSONParser.read(buffer) { (parser: inout JSONParser) throws(JSONParseError) in try parser.skip() }
                    }
                    return true
                } catch {
                    return false
                }
            }
            guard isJSON else {
                let start = String(event.data.prefix(120))
                problem = "sent an event whose data is not JSON: \"\(start)\"" + (event.data.count > 120 ? "..." : "")
                return
            }
        }
        summary = summarized
    }
}
