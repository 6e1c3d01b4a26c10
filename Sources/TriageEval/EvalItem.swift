import TriageFlywheel
import TriageJSON
import TriageLog
import TriageHashing

/// One held-out example: the conversation to send and the answer it should get.
public struct EvalItem: Sendable, Equatable {
    /// `L<line>-<hash>`: the line number and a hash of the line, stable while the file is.
    public var id: String
    /// The conversation up to the reference answer (OpenAI chat form).
    public var messages: JSONValue
    /// The reference answer.
    public var reference: String

    /// Reads one line written by `triage export`: chat (`{"messages": [..., {"role":
    /// "assistant", "content": ...}]}`, the last assistant message is the reference) or
    /// prompt-completion (`{"prompt", "completion"}`). Returns why when the line is neither.
    public static func parse(line: ArraySlice<UInt8>, number: Int) -> Result<EvalItem, EvalDataError> {
        let id = "L\(number)-" + String(String(FNV1a.hash64(line), radix: 16).suffix(8))
        guard let value = try? JSONParser.parse(Array(line)), case .object(let members) = value else {
            return .failure(.badLine(number: number, reason: "not a JSON object"))
        }
        if case .array(var messages)? = members["messages"] {
            guard let last = messages.last, last["role"]?.stringValue == "assistant",
                  let reference = last["content"]?.stringValue else {
                return .failure(.badLine(number: number, reason: "the last message is not an assistant answer with text content"))
            }
            messages.removeLast()
            guard !messages.isEmpty else { return .failure(.badLine(number: number, reason: "no messages before the answer")) }
            return .success(EvalItem(id: id, messages: .array(messages), reference: reference))
        }
        if let prompt = members["prompt"]?.stringValue, let completion = members["completion"]?.stringValue {
            let user = JSONValue.object(["role": .string("user"), "content": .string(prompt)])
            return .success(EvalItem(id: id, messages: .array([user]), reference: completion))
        }
        return .failure(.badLine(number: number, reason: "neither {\"messages\": [...]} nor {\"prompt\", \"completion\"}"))
    }

    /// Reads every item of a JSONL file; lines that are not items are reported through `onSkip`.
    public static func load(path: String, onSkip: (EvalDataError) -> Void) throws(EvalDataError) -> [EvalItem] {
        let reader: LineReader
        do {
            reader = try LineReader(path: path)
        } catch {
            throw .unreadable(path: path, reason: error.description)
        }
        var items: [EvalItem] = []
        var number = 0
        while true {
            let event: LineReader.Event
            do {
                event = try reader.next()
            } catch {
                throw .unreadable(path: path, reason: error.description)
            }
            number += 1
            switch event {
            case .end:
                return items
            case .oversized(let bytes):
                onSkip(.badLine(number: number, reason: "longer than \(LineReader.defaultMaxLineBytes) bytes (\(bytes))"))
            case .line(let bytes), .unterminated(let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                switch parse(line: bytes, number: number) {
                case .success(let item): items.append(item)
                case .failure(let problem): onSkip(problem)
                }
            }
        }
    }
}

/// A problem with the eval data.
public enum EvalDataError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case badLine(number: Int, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .badLine(let number, let reason): return "line \(number): \(reason) (skipped)"
        }
    }
}
