#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Request ids (`tr-` and 24 hex digits) as 64-bit keys, and a fast scan of routing log files
/// for every id they hold, so that feedback can be checked against an in-memory set instead of
/// reading the log for each request.
public enum RequestIDScan {
    /// The key of an id: its first 16 hex digits (64 of its 96 random bits). `nil` when `id` is
    /// not of the form Triage gives its requests.
    public static func key(_ id: String) -> UInt64? {
        let bytes = Array(id.utf8)
        guard bytes.count == 27, bytes[0] == UInt8(ascii: "t"), bytes[1] == UInt8(ascii: "r"), bytes[2] == UInt8(ascii: "-") else { return nil }
        return bytes.withUnsafeBufferPointer { key(hexAt: $0.baseAddress.map { UnsafeRawPointer($0 + 3) }, count: 24) }
    }

    /// Every id key in the files (a missing file counts as empty), and how many bytes were read.
    ///
    /// Looks for `"id":"tr-` followed by 24 hex digits and a quote. JSON strings cannot hold an
    /// unescaped quote, so prompt or answer text never matches; a nested id of the same form
    /// (none is written today) would only add a key.
    public static func scan(files: [String]) -> (keys: Set<UInt64>, bytes: Int) {
        var keys = Set<UInt64>()
        var total = 0
        for file in files {
            total += scan(file: file, into: &keys)
        }
        return (keys, total)
    }

    private static let needle: [UInt8] = Array(#""id":"tr-"#.utf8)
    /// The needle, 24 hex digits and the closing quote.
    private static let matchLength = needle.count + 25

    private static func scan(file: String, into keys: inout Set<UInt64>) -> Int {
        let fd = open(file, O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        let chunk = 4 << 20
        let carryLimit = matchLength - 1
        var buffer = [UInt8](repeating: 0, count: chunk + carryLimit)
        var carried = 0
        var total = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return read(fd, base + carried, chunk)
            }
            if count <= 0 { break }
            total += count
            let filled = carried + count
            buffer.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                needle.withUnsafeBytes { needleBytes in
                    guard let needleBase = needleBytes.baseAddress else { return }
                    var offset = 0
                    // memchr for the needle's first byte (a quote), then compare the rest.
                    while offset + matchLength <= filled,
                          let hit = memchr(base + offset, Int32(UInt8(ascii: "\"")), filled - offset - (matchLength - 1)) {
                        let start = base.distance(to: UnsafeRawPointer(hit))
                        offset = start + 1
                        guard memcmp(base + start, needleBase, needle.count) == 0 else { continue }
                        let hex = base + start + needle.count
                        if hex.load(fromByteOffset: 24, as: UInt8.self) == UInt8(ascii: "\""),
                           let key = key(hexAt: hex, count: 24) {
                            keys.insert(key)
                        }
                    }
                }
            }
            // Keep the tail that could hold the start of a match cut by the chunk boundary.
            let keep = min(carryLimit, filled)
            buffer.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                memmove(base, base + (filled - keep), keep)
            }
            carried = keep
        }
        return total
    }

    /// The first 16 of `count` hex digits at `pointer` as a number; `nil` unless all `count` are
    /// lowercase hex digits.
    private static func key(hexAt pointer: UnsafeRawPointer?, count: Int) -> UInt64? {
        guard let pointer else { return nil }
        var value: UInt64 = 0
        for index in 0..<count {
            let byte = pointer.load(fromByteOffset: index, as: UInt8.self)
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
            default: return nil
            }
            if index < 16 { value = value << 4 | digit }
        }
        return value
    }
}
