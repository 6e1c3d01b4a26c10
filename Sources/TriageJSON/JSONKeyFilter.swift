/// The object member names a selective parse keeps (see
/// ``JSONParser/parse(_:keeping:)``), matched at every depth.
///
/// Matching is on the key's UTF-8 bytes as written, so a key spelled with escapes
/// (`"\u0074ext"`) is decoded first and then matched.
public struct JSONKeyFilter: Sendable {
    private let keys: [[UInt8]]

    /// A filter keeping members named by any of `names`.
    public init(_ names: [String]) {
        keys = names.map { Array($0.utf8) }
    }

    /// Whether a member whose key is exactly `bytes` (UTF-8) is kept.
    func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for key in keys where key.count == bytes.count {
            if key.withUnsafeBufferPointer({ $0.elementsEqual(bytes) }) { return true }
        }
        return false
    }

    /// Whether a member named `name` is kept.
    func contains(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { contains($0) }
    }
}
