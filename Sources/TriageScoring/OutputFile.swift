#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes bytes to a file descriptor (standard output by default), whole: short writes are
/// continued and EINTR retried.
public struct OutputFile: Sendable {
    /// The descriptor written to; not closed by this type.
    public let fd: Int32

    /// Wraps `fd`.
    public init(fd: Int32 = 1) { self.fd = fd }

    /// Writes all of `bytes`.
    /// - Throws: ``OutputFileError`` with the system's reason (e.g. a closed pipe).
    public func writeAll(_ bytes: ArraySlice<UInt8>) throws(OutputFileError) {
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            guard var base = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let written = write(fd, base, left)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                left -= written
                base += written
            }
        }
        if failure != 0 { throw OutputFileError(reason: String(cString: strerror(failure))) }
    }
}

/// A failed write.
public struct OutputFileError: Error, Sendable, CustomStringConvertible {
    /// The system's reason.
    public let reason: String
    public var description: String { "cannot write the output: \(reason)" }
}
