/// Request ids: `tr-` followed by 24 random hex digits.
enum RequestID {
    /// A new id from 96 bits of the system's random generator, formatted without
    /// intermediate strings.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var random: (UInt64, UInt32) = (generator.next(), generator.next())
        return withUnsafeBytes(of: &random) { bytes in
            String(unsafeUninitializedCapacity: 27) { out in
                let digits: StaticString = "0123456789abcdef"
                out[0] = UInt8(ascii: "t")
                out[1] = UInt8(ascii: "r")
                out[2] = UInt8(ascii: "-")
                digits.withUTF8Buffer { digits in
                    for index in 0..<12 {
                        out[3 + 2 * index] = digits[Int(bytes[index] >> 4)]
                        out[4 + 2 * index] = digits[Int(bytes[index] & 0x0F)]
                    }
                }
                return 27
            }
        }
    }

    /// Whether `id` has the form of the ids ``make()`` gives: `tr-` and 24 lowercase hex digits.
    static func isWellFormed(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard bytes.count == 27, bytes.starts(with: Array("tr-".utf8)) else { return false }
        return bytes[3...].allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
