import Foundation
import TriageJSON

/// Reads the reference prompts (the local model's fine-tuning data) from JSONL.
///
/// Each non-blank line is one of:
/// - OpenAI chat fine-tuning format `{"messages": [{"role": ..., "content": ...}, ...]}`: the
///   prompt is the **last user message** (what a router sees as the prompt of that conversation;
///   system prompts and assistant answers are not what users send). `content` may be a string or a
///   list of parts, whose `text` parts are joined with newlines.
/// - `{"prompt": "..."}`.
///
/// Malformed lines are **errors** naming `file:line` (the fine-tune consumed this file, so a bad
/// line means the wrong file or a corrupted one; silently skipping would skew the fit score).
/// Blank lines are ignored.
public enum ReferencePromptReader {
    /// The prompts of the JSONL file at `path`, in file order.
    /// - Throws: ``ReferenceIndexError`` (`cannotRead`, `malformedLine`).
    public static func prompts(path: String) throws(ReferenceIndexError) -> [String] {
        let data = try JSONLines.read(path: path) { ReferenceIndexError.cannotRead(path: path, reason: $0) }
        return try prompts(data: data, path: path)
    }

    /// The prompts of JSONL `data`; `path` only labels errors.
    public static func prompts(data: Data, path: String) throws(ReferenceIndexError) -> [String] {
        var result: [String] = []
        do {
            try JSONLines.forEachObject(in: data, malformed: { line, reason in
                throw ReferenceIndexError.malformedLine(path: path, line: line, reason: reason)
            }) { line, object in
                result.append(try prompt(of: object, path: path, line: line))
            }
        } catch let error as ReferenceIndexError {
            throw error
        } catch {
            throw ReferenceIndexError.cannotRead(path: path, reason: String(describing: error))
        }
        return result
    }

    static func prompt(of object: [String: JSONValue], path: String, line: Int) throws(ReferenceIndexError) -> String {
        if let prompt = object["prompt"]?.stringValue { return prompt }
        guard let messages = object["messages"]?.arrayValue else {
            throw .malformedLine(path: path, line: line, reason: "no \"messages\" list and no \"prompt\" string")
        }
        for message in messages.reversed() {
            guard message["role"]?.stringValue == "user" else { continue }
            if let text = message["content"]?.stringValue { return text }
            if let parts = message["content"]?.arrayValue {
                let texts = parts.compactMap { $0["text"]?.stringValue }
                if !texts.isEmpty { return texts.joined(separator: "\n") }
            }
            throw .malformedLine(path: path, line: line, reason: "the last user message has no text content")
        }
        throw .malformedLine(path: path, line: line, reason: "\"messages\" holds no message with role \"user\"")
    }
}
