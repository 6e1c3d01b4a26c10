import TriageLog

/// Errors of the flywheel commands (export, labels, report): files, options and time bounds.
///
/// Every message names the file or the option at fault and says what to do about it.
public enum FlywheelError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Neither the log nor any rotated file of it exists.
    case logNotFound(path: String)
    /// A log file could not be opened or read.
    case cannotRead(path: String, reason: String)
    /// An output file or directory could not be created or written.
    case cannotWrite(path: String, reason: String)
    /// A rotation rename or removal failed.
    case cannotRotate(path: String, reason: String)
    /// A `--since`/`--until` value is neither ISO 8601 nor a relative duration.
    case invalidTime(String)
    /// The split fractions are negative or do not add up to 1.
    case invalidSplitFractions(train: Double, validation: Double, test: Double)
    /// An option value is out of range.
    case invalidOption(name: String, value: String, expected: String)

    /// The message for the user: what went wrong and what to do.
    public var description: String {
        switch self {
        case .logNotFound(let path):
            return "no routing log at '\(path)' (nor rotated files '\(path).1', '\(path).2', ...): check log.path in routes.yaml or pass --log"
        case .cannotRead(let path, let reason):
            return "cannot read '\(path)': \(reason)"
        case .cannotWrite(let path, let reason):
            return "cannot write '\(path)': \(reason) (check that the output directory is writable and the disk is not full)"
        case .cannotRotate(let path, let reason):
            return "cannot rotate routing log '\(path)': \(reason) (check permissions of the log directory)"
        case .invalidTime(let text):
            return "invalid time '\(text)': use ISO 8601 (2025-01-31, 2025-01-31T12:00:00Z, 2025-01-31T12:00:00+02:00) or a duration ago such as 30m, 24h, 7d, 2w"
        case .invalidSplitFractions(let train, let validation, let test):
            return "invalid split fractions train=\(train) validation=\(validation) test=\(test): each must be in 0...1 and together they must add up to 1"
        case .invalidOption(let name, let value, let expected):
            return "invalid \(name) '\(value)': expected \(expected)"
        }
    }
}

extension FlywheelError {
    /// A file that could not be opened or read, as ``cannotRead(path:reason:)``.
    public init(_ error: FileReadError) {
        self = .cannotRead(path: error.path, reason: error.reason)
    }
}
