import Foundation

/// API keys and secrets in one token: provider prefixes, JWTs, `password=...` assignments and
/// high-entropy tokens.
enum Secrets {
    /// A provider prefix, the least number of key characters after it, the detector name and confidence.
    static let prefixes: [(prefix: [UInt8], minimum: Int, detail: String, confidence: Double)] = [
        ("sk-ant-", 20, "anthropic_key", 0.99), ("sk-proj-", 20, "openai_key", 0.99), ("sk-", 20, "openai_key", 0.9),
        ("ghp_", 30, "github_token", 0.99), ("gho_", 30, "github_token", 0.99), ("ghu_", 30, "github_token", 0.99),
        ("ghs_", 30, "github_token", 0.99), ("ghr_", 30, "github_token", 0.99), ("github_pat_", 22, "github_token", 0.99),
        ("glpat-", 20, "gitlab_token", 0.99), ("xoxb-", 10, "slack_token", 0.95), ("xoxp-", 10, "slack_token", 0.95),
        ("xoxa-", 10, "slack_token", 0.95), ("xoxs-", 10, "slack_token", 0.95), ("AIza", 35, "google_api_key", 0.95),
        ("sk_live_", 16, "stripe_key", 0.99), ("rk_live_", 16, "stripe_key", 0.99), ("sk_test_", 16, "stripe_key", 0.95),
        ("hf_", 30, "huggingface_token", 0.95), ("npm_", 36, "npm_token", 0.95), ("AKIA", 16, "aws_access_key", 0.95),
        ("ASIA", 16, "aws_access_key", 0.95),
    ].map { (Array($0.0.utf8), $0.1, $0.2, $0.3) }

    /// Key names whose value in `name=value` or `name: value` is a secret.
    static let secretNames: [[UInt8]] = ["password", "passwd", "pwd", "secret", "token", "api_key", "apikey", "access_key", "private_key"].map { Array($0.utf8) }

    static func isKeyByte(_ byte: UInt8) -> Bool {
        Bytes.isAlnum(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// The shortest token a provider prefix can match: shorter ones (most words) skip the list.
    static let shortestPrefixed = prefixes.map { $0.prefix.count + $0.minimum }.min() ?? 0

    static func match(_ token: UnsafeBufferPointer<UInt8>) -> (range: Range<Int>, confidence: Double, detail: String)? {
        if token.count >= shortestPrefixed, let prefixed = prefixedKey(token) { return prefixed }
        if token.count >= 30, token.starts(with: Array("eyJ".utf8)), isJWT(token) { return (0..<token.count, 0.9, "jwt") }
        if let assignment = assignment(token) { return assignment }
        if highEntropy(token) { return (0..<token.count, 0.6, "high_entropy") }
        return nil
    }

    /// A key that starts with a provider prefix and has enough key characters after it.
    private static func prefixedKey(_ token: UnsafeBufferPointer<UInt8>) -> (range: Range<Int>, confidence: Double, detail: String)? {
        for entry in prefixes where token.count >= entry.prefix.count + entry.minimum {
            guard token.starts(with: entry.prefix) else { continue }
            var end = entry.prefix.count
            while end < token.count, isKeyByte(token[end]) { end += 1 }
            if end - entry.prefix.count >= entry.minimum { return (0..<end, entry.confidence, entry.detail) }
        }
        return nil
    }

    /// `header.payload.signature`, each part base64url.
    static func isJWT(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        var dots = 0
        for byte in token {
            if byte == UInt8(ascii: ".") { dots += 1 } else if !isKeyByte(byte) && byte != UInt8(ascii: "=") { return false }
        }
        return dots == 2
    }

    /// `password=hunter22`, `api_key:"..."`: the value of a secret-named key.
    static func assignment(_ token: UnsafeBufferPointer<UInt8>) -> (range: Range<Int>, confidence: Double, detail: String)? {
        guard let separator = token.firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ":") }), separator >= 3 else { return nil }
        let valueStart = separator + 1
        guard token.count - valueStart >= 8 else { return nil }
        let name = token[..<separator].map { $0 | 0x20 }
        guard secretNames.contains(where: { name.count >= $0.count && name.suffix($0.count).elementsEqual($0) }) else { return nil }
        return (valueStart..<token.count, 0.8, "assignment")
    }

    /// A long token mixing upper case, lower case and digits with a high per-character entropy.
    /// Hex-only strings (hashes, UUIDs) and URLs and paths are not secrets here.
    static func highEntropy(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        guard token.count >= 24, token.count <= 512 else { return false }
        var upper = 0, lower = 0, digits = 0, slashes = 0, nonHex = 0
        var counts = [Int](repeating: 0, count: 128)
        for byte in token {
            guard byte < 128, isKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=") else { return false }
            counts[Int(byte)] += 1
            if Bytes.isUpper(byte) { upper += 1 } else if Bytes.isLower(byte) { lower += 1 } else if Bytes.isDigit(byte) { digits += 1 }
            if byte == UInt8(ascii: "/") { slashes += 1 }
            if !Bytes.isHex(byte) && byte != UInt8(ascii: "-") { nonHex += 1 }
        }
        guard upper >= 2, lower >= 2, digits >= 2, slashes <= 4, token[0] != UInt8(ascii: "/"), nonHex > 0 else { return false }
        var entropy = 0.0
        let total = Double(token.count)
        for count in counts where count > 0 {
            let p = Double(count) / total
            entropy -= p * log2(p)
        }
        return entropy >= 4.0
    }
}

/// `-----BEGIN ... PRIVATE KEY-----` ... `-----END ... PRIVATE KEY-----` blocks.
enum PrivateKeyBlocks {
    static let begin = Array("-----BEGIN ".utf8)
    static let endMarker = Array("-----END ".utf8)
    static let tail = Array("PRIVATE KEY-----".utf8)

    static func scan(_ text: UnsafeBufferPointer<UInt8>, into found: inout [Finding]) {
        var index = 0
        while let start = find(begin, in: text, from: index) {
            guard let keyWord = find(tail, in: text, from: start), keyWord - start < 48 else { return }
            let end: Int
            if let close = find(endMarker, in: text, from: keyWord), let closeTail = find(tail, in: text, from: close) {
                end = closeTail + tail.count
            } else {
                end = text.count
            }
            found.append(Finding(type: .secret, range: start..<end, confidence: 0.99, detail: "private_key"))
            index = end
        }
    }

    static func find(_ needle: [UInt8], in text: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let first = needle.first, needle.count <= text.count else { return nil }
        var index = from
        while index + needle.count <= text.count {
            if text[index] == first {
                var matched = true
                for offset in 1..<needle.count where text[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}
