import Foundation
import TriageJSON

/// A prompt labelled for complexity training: `label` is 1 when it needed the large model.
public struct LabeledPrompt: Sendable, Equatable {
    /// The prompt text.
    public var prompt: String
    /// 1 = needed the large model, 0 = the local model was fine.
    public var label: Int
    /// Messages in the conversation (1 for a single prompt).
    public var messageCount: Int
    /// What training fits, in [0, 1] (the probabilities are then calibrated to ``label``). Defaults
    /// to `label`. From outcome fields ("label" = the small model failed): with `"strong_correct"`,
    /// `(label + strong_correct) / 2` — 1 when only the large model is right, 0 when only the small
    /// one is, ½ when both or neither are (the large model's expected gain). `"strong_wins"` alone
    /// (as benchmark label files carry it) does not change the target.
    public var target: Double
    /// Whether the large model answered correctly (`"strong_correct"`), when the file says;
    /// `triage calibrate` measures quality with it (unknown counts as correct).
    public var strongCorrect: Bool?

    /// Creates a labelled prompt (`target` defaults to `label`).
    public init(prompt: String, label: Int, messageCount: Int = 1, target: Double? = nil, strongCorrect: Bool? = nil) {
        self.prompt = prompt
        self.label = label
        self.messageCount = messageCount
        self.target = min(max(target ?? Double(label), 0), 1)
        self.strongCorrect = strongCorrect
    }

    /// A JSON boolean or 0/1 number; nil when absent or anything else.
    static func flag(_ value: JSONValue?) -> Bool? {
        switch value {
        case .bool(let bool)?: return bool
        case .number(let number)? where number == 0 || number == 1: return number == 1
        default: return nil
        }
    }

    /// The training target from a label and optional outcome fields (see ``target``).
    public static func outcomeTarget(label: Int, strongCorrect: Bool?, strongWins: Bool?) -> Double {
        if let strongCorrect { return (Double(label) + (strongCorrect ? 1 : 0)) / 2 }
        _ = strongWins  // read for validation only; without strong_correct the label is the target
        return Double(label)
    }

    /// Reads `{"prompt": "...", "label": 0|1}` JSONL (optional `"messages": N` for the conversation
    /// depth; optional `"strong_correct"` (bool or 0/1) sets ``target``; other fields, such as
    /// `"strong_wins"`, `"subject"`, are ignored). Blank lines are skipped; any other bad line is an
    /// error naming `file:line`.
    /// - Throws: ``ComplexityModelError/cannotRead(path:reason:)``, ``ComplexityModelError/malformedLabel(path:line:reason:)``.
    public static func load(path: String) throws(ComplexityModelError) -> [LabeledPrompt] {
        let data = try JSONLines.read(path: path) { ComplexityModelError.cannotRead(path: path, reason: $0) }
        var result: [LabeledPrompt] = []
        do {
            try JSONLines.forEachObject(in: data, malformed: { line, reason in
                throw ComplexityModelError.malformedLabel(path: path, line: line, reason: reason)
            }) { line, object in
                guard let prompt = object["prompt"]?.stringValue else {
                    throw ComplexityModelError.malformedLabel(path: path, line: line, reason: "missing \"prompt\" string")
                }
                guard let label = flag(object["label"]).map({ $0 ? 1 : 0 }) else {
                    throw ComplexityModelError.malformedLabel(path: path, line: line, reason: "\"label\" must be 0 or 1")
                }
                let messages = object["messages"]?.intValue ?? 1
                let strongCorrect = flag(object["strong_correct"])
                let target = outcomeTarget(label: label, strongCorrect: strongCorrect,
                                           strongWins: flag(object["strong_wins"]))
                result.append(LabeledPrompt(prompt: prompt, label: label, messageCount: max(messages, 1),
                                            target: target, strongCorrect: strongCorrect))
            }
        } catch let error as ComplexityModelError {
            throw error
        } catch {
            throw .cannotRead(path: path, reason: String(describing: error))
        }
        return result
    }
}
