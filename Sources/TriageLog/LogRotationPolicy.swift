import Foundation

/// When the writer should rotate the current log file: by size, by UTC day, or both.
public struct LogRotationPolicy: Sendable, Equatable {
    /// Rotate once the current file has reached this many bytes; `nil` for no size limit.
    public var maxBytes: Int?
    /// Rotate at the first write of a new UTC day.
    public var daily: Bool
    /// How many rotated files to keep; older ones are removed.
    public var keep: Int

    /// Creates a policy.
    public init(maxBytes: Int? = nil, daily: Bool = false, keep: Int = 10) {
        self.maxBytes = maxBytes
        self.daily = daily
        self.keep = keep
    }

    /// Whether a file of `currentSize` bytes, opened (or last rotated) at `openedAt`, should be rotated
    /// before writing at `now`. An empty file is never rotated.
    public func shouldRotate(currentSize: Int, openedAt: Date, now: Date) -> Bool {
        guard currentSize > 0 else { return false }
        if let maxBytes, currentSize >= maxBytes { return true }
        if daily, Self.utcDay(openedAt) != Self.utcDay(now) { return true }
        return false
    }

    /// Days since 1970-01-01 in UTC.
    /// Days since 1970-01-01 in UTC.
    public static func utcDay(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }
}
