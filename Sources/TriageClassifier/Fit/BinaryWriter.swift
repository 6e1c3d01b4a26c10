import Foundation

/// Appends little-endian fixed-width values and raw arrays to a byte buffer (index cache format).
struct BinaryWriter {
    private(set) var data = Data()

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    mutating func write(_ value: Double) {
        write(value.bitPattern)
    }

    /// Writes `count` (as UInt64) then the elements' raw bytes (trivial types, little-endian hosts).
    mutating func writeArray<T: BitwiseCopyable>(_ array: [T]) {
        write(UInt64(array.count))
        array.withUnsafeBytes { data.append(contentsOf: $0) }
    }

    mutating func writeString(_ text: String) {
        let bytes = Array(text.utf8)
        write(UInt32(bytes.count))
        data.append(contentsOf: bytes)
    }
}
