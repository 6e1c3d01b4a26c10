/// The line format of exported fine-tuning data.
public enum ExportFormat: String, Sendable, Codable, CaseIterable {
    /// OpenAI chat fine-tuning JSONL, also read by Hugging Face TRL, Axolotl and Unsloth:
    /// `{"messages": [...the request's messages..., {"role": "assistant", "content": response}]}`.
    case chat
    /// `{"prompt": <last user message>, "completion": <response>}`.
    case promptCompletion = "prompt-completion"
}
