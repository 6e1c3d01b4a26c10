/// Removes secrets from text that reaches a client, a log or a metric: every configured secret
/// value (backend API keys, client keys) and anything shaped like a credential in text from a
/// backend (`Bearer …`, `sk-…`), which an upstream error may quote from the request it got.
struct SecretRedactor: Sendable {
    static let mask = "[redacted]"
    /// Configured secrets, longest first (so one that contains another is masked whole).
    private let secrets: [String]

    init(secrets: some Sequence<String>) {
        self.secrets = Set(secrets.filter { $0.count >= 4 }).sorted { $0.count > $1.count }
    }

    func redact(_ text: String) -> String {
        var out = text
        for secret in secrets where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: Self.mask)
        }
        return Self.redactTokenShapes(out)
    }

    /// Masks the token after `Bearer ` (any case) and `sk-` tokens of 8 or more characters.
    static func redactTokenShapes(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(where: { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: " ") }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            // "Bearer <token>"
            if matchesBearer(bytes, at: index) {
                var end = index + 7
                while end < bytes.count, bytes[end] == UInt8(ascii: " ") { end += 1 }
                let tokenStart = end
                while end < bytes.count, isTokenByte(bytes[end]) { end += 1 }
                while end > tokenStart, bytes[end - 1] == UInt8(ascii: ".") { end -= 1 }
                if end > tokenStart {
                    out.append(contentsOf: bytes[index..<tokenStart])
                    out.append(contentsOf: mask.utf8)
                    index = end
                    continue
                }
            }
            // "sk-<token>", not inside a longer word
            if bytes[index] == UInt8(ascii: "s"), index + 3 < bytes.count, bytes[index + 1] == UInt8(ascii: "k"),
               bytes[index + 2] == UInt8(ascii: "-"), index == 0 || !isTokenByte(bytes[index - 1]) {
                var end = index + 3
                while end < bytes.count, isTokenByte(bytes[end]) { end += 1 }
                while end > index + 3, bytes[end - 1] == UInt8(ascii: ".") { end -= 1 }  // a sentence's full stop
                if end - (index + 3) >= 8 {
                    out.append(contentsOf: "sk-".utf8)
                    out.append(contentsOf: mask.utf8)
                    index = end
                    continue
                }
            }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func matchesBearer(_ bytes: [UInt8], at index: Int) -> Bool {
        let word = Array("bearer ".utf8)
        guard index + word.count < bytes.count, index == 0 || !isTokenByte(bytes[index - 1]) else { return false }
        for offset in 0..<word.count where bytes[index + offset] | 0x20 != word[offset] | 0x20 {
            return false
        }
        return true
    }

    /// Bytes of an API token: letters, digits, `-`, `_`, `.`, `~`, `+`, `/`, `=`, and `*` (masked keys).
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"),
             UInt8(ascii: "="), UInt8(ascii: "*"):
            return true
        default:
            return false
        }
    }
}
