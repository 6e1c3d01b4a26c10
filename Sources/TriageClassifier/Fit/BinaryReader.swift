import Foundation

/// Reads what ``BinaryWriter`` wrote, with bounds checks: a truncated or corrupt buffer throws
/// ``BinaryReader/Truncated`` instead of reading out of bounds.
struct BinaryReader {
    struct Truncated: Error {}

    private let data: Data
    private var offset: Int

    init(_ data: Data) {
        self.data = data
        offset = data.startIndex
    }

    var isAtEnd: Bool { offset == data.endIndex }

    mutating func bytes(_ count: Int) throws(Truncated) -> Data {
        guard count >= 0, data.endIndex - offset >= count else { throw Truncated() }
        defer { offset += count }
        return data[offset ..< offset + count]
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws(Truncated) -> T {
        let slice = try bytes(MemoryLayout<T>.size)
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: slice) }
        return T(littleEndian: value)
    }

    mutating func readDouble() throws(Truncated) -> Double {
        Double(bitPattern: try read(UInt64.self))
    }

    mutating func readArray<T: BitwiseCopyable>(_: T.Type, maxCount: Int) throws(Truncated) -> [T] {
        let count = try read(UInt64.self)
        guard count <= UInt64(maxCount) else { throw Truncated() }
        let n = Int(count)
        let slice = try bytes(n * MemoryLayout<T>.stride)
        return [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            _ = slice.copyBytes(to: UnsafeMutableRawBufferPointer(buffer))
            initialized = n
        }
    }

    mutating func readString() throws(Truncated) -> String {
        let count = Int(try read(UInt32.self))
        return String(decoding: try bytes(count), as: UTF8.self)
    }
}
