import Foundation

/// Parses the `--since` / `--until` values of the flywheel commands.
public enum TimeBound {
    /// The instant `text` denotes.
    ///
    /// Accepted: ISO 8601 (`2025-01-31T12:00:00Z`, with fractional seconds or an offset such as
    /// `+02:00`), a date alone (`2025-01-31`, UTC midnight), or a duration before `now`: a number
    /// followed by `s`, `m`, `h`, `d` or `w` (`90s`, `30m`, `24h`, `7d`, `2w`).
    /// - Throws: ``FlywheelError/invalidTime(_:)`` for anything else.
    public static func parse(_ text: String, now: Date = Date()) throws(FlywheelError) -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let unit = trimmed.last, let seconds = Self.unitSeconds(unit), let amount = Double(trimmed.dropLast()),
           amount >= 0, amount.isFinite {
            return now.addingTimeInterval(-amount * seconds)
        }
        if let date = LogTimestamp.parse(trimmed) { return date }
        throw .invalidTime(text)
    }

    private static func unitSeconds(_ unit: Character) -> Double? {
        switch unit {
        case "s": return 1
        case "m": return 60
        case "h": return 3_600
        case "d": return 86_400
        case "w": return 604_800
        default: return nil
        }
    }
}
