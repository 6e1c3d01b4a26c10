import Foundation

/// A prompt labelled for complexity training: `label` is 1 when it needed the large model.
public struct LabeledPrompt: Sendable, Equatable {
    /// The prompt text.
    public var prompt: String
    /// 1 = needed the large model, 0 = the local model was fine.
    public var label: Int
    /// Messages in the conversation (1 for a single prompt).
    public var messageCount: Int

    /// Creates a labelled prompt.
    public init(prompt: String, label: Int, messageCount: Int = 1) {
        self.prompt = prompt
        self.label = label
        self.messageCount = messageCount
    }

    /// Reads `{"prompt": "...", "label": 0|1}` JSONL (optional `"messages": N` for the conversation
    /// depth). Blank lines are skipped; any other bad line is an error naming `file:line`.
    /// - Throws: ``ComplexityModelError/cannotRead(path:reason:)``, ``ComplexityModelError/malformedLabel(path:line:reason:)``.
    public static func load(path: String) throws(ComplexityModelError) -> [LabeledPrompt] {
        let data = try JSONLines.read(path: path) { ComplexityModelError.cannotRead(path: path, reason: $0) }
        var result: [LabeledPrompt] = []
        do {
            try JSONLines.forEachObject(in: data, malformed: { line, reason in
                throw ComplexityModelError.malformedLabel(path: path, line: line, reason: reason)
            }) { line, object in
                guard let prompt = object["prompt"] as? String else {
                    throw ComplexityModelError.malformedLabel(path: path, line: line, reason: "missing \"prompt\" string")
                }
                guard let number = object["label"] as? NSNumber,
                      number.doubleValue == 0 || number.doubleValue == 1 else {
                    throw ComplexityModelError.malformedLabel(path: path, line: line, reason: "\"label\" must be 0 or 1")
                }
                let messages = (object["messages"] as? NSNumber)?.intValue ?? 1
                result.append(LabeledPrompt(prompt: prompt, label: number.intValue, messageCount: max(messages, 1)))
            }
        } catch let error as ComplexityModelError {
            throw error
        } catch {
            throw .cannotRead(path: path, reason: String(describing: error))
        }
        return result
    }
}
