import Testing
import TriageJSON

/// `JSONParser.parse(_:keeping:)` builds only the named members, and still refuses every
/// syntax error, including inside the members it skips.
@Suite("Selective JSON parse")
struct SelectiveParseTests {
    private let filter = JSONKeyFilter(["choices", "delta", "message", "content", "finish_reason", "usage", "prompt_tokens"])
    private let names: Set<String> = ["choices", "delta", "message", "content", "finish_reason", "usage", "prompt_tokens"]

    /// The full parse with every object member not in `names` removed, at every depth.
    private func pruned(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var kept: [String: JSONValue] = [:]
            for (key, member) in members where names.contains(key) { kept[key] = pruned(member) }
            return .object(kept)
        case .array(let items):
            return .array(items.map(pruned))
        default:
            return value
        }
    }

    private func selective(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8)[...], keeping: filter)
    }

    @Test("keeps exactly the named members of a full parse", arguments: [
        #"{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi \"there\" \u00e9\ud83d\ude00","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":[1,2]}"}}]},"logprobs":{"content":[{"token":"hi","logprob":-0.1,"bytes":[104,105],"top_logprobs":[]}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7},"system_fingerprint":null}"#,
        #"{"choices":[{"delta":{"content":"a"},"finish_reason":null}],"x":[[[],{}],{"y":{"z":[true,false,null,-1.5e3]}}]}"#,
        #"[{"content":1,"other":2},{"nested":{"content":"deep"}},3,"s"]"#,
        #"{"\u0063ontent":"escaped key kept","\u0078":"escaped key skipped","":"empty key"}"#,
        #"  {"usage" : { "prompt_tokens" : 12 , "junk" : "\\ \/ \b\f\n\r\t" } }  "#,
        #"{}"#, #"[]"#, #""plain""#, "7",
    ])
    func agreesWithPrunedFullParse(document: String) throws {
        let full = try JSONParser.parse(Array(document.utf8))
        #expect(try selective(document) == pruned(full))
    }

    @Test("syntax errors inside skipped members are still refused", arguments: [
        #"{"id":[1,],"content":"x"}"#, #"{"id":"a\x"}"#, #"{"id":tru}"#, #"{"id":"\u12"}"#, #"{"id":"a"#,
        "{\"id\":\"a\u{01}\"}", #"{"id":{"a" 1}}"#, #"{"id":{1:2}}"#, #"{"id":01}"#, #"{"id":[1 2]}"#,
        #"{"id":"x"} trailing"#, #"{"id":"x","#, #"{"id"}"#,
    ])
    func refusesInvalid(document: String) {
        #expect(throws: JSONParseError.self) { try selective(document) }
    }

    @Test("nesting is limited inside skipped members too")
    func depthLimit() {
        let deep = #"{"skipped":"# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        #expect(throws: JSONParseError.tooDeep(maxDepth: JSONParser.maxDepth)) { try selective(deep) }
    }
}
