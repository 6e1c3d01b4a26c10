/// Where ``Exporter`` writes.
public enum ExportDestination: Sendable, Equatable {
    /// `train.jsonl`, `validation.jsonl` and `test.jsonl` in this directory (created if needed).
    case splitDirectory(String)
    /// Every kept sample in this one file (`--no-split`).
    case singleFile(String)
}
