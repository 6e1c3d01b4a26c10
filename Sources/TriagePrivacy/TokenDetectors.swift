import TriageConfig

/// Detectors that look at whitespace-delimited tokens: e-mail addresses, IP addresses, secrets,
/// IBANs and the national ids written with letters (DNI/NIE, HETU, NINO, codice fiscale).
enum TokenDetectors {
    static func scan(_ text: UnsafeBufferPointer<UInt8>, into found: inout [Finding]) {
        var index = 0
        let count = text.count
        while index < count {
            while index < count, Bytes.isTokenBreak(text[index]) { index += 1 }
            let start = index
            while index < count, !Bytes.isTokenBreak(text[index]) { index += 1 }
            var end = index
            // Sentence punctuation after a value is not part of it.
            while end > start, isSentencePunctuation(text[end - 1]) { end -= 1 }
            if end - start <= 4, let grouped = GroupedIDs.match(text, tokenStart: start, tokenEnd: end) {
                found.append(grouped)
                index = max(index, grouped.range.upperBound)
                continue
            }
            guard end - start >= 5 else { continue }
            token(text, start, end, into: &found)
        }
        PrivateKeyBlocks.scan(text, into: &found)
    }

    @inline(__always)
    private static func isSentencePunctuation(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ".") || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: ":")
    }

    private static func token(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into found: inout [Finding]) {
        let token = UnsafeBufferPointer(rebasing: text[start..<end])
        var hasAt = -1, colons = 0, dots = 0, upper = 0, lower = 0, digits = 0
        for (offset, byte) in token.enumerated() {
            switch byte {
            case UInt8(ascii: "@"): hasAt = offset
            case UInt8(ascii: ":"): colons += 1
            case UInt8(ascii: "."): dots += 1
            default:
                if Bytes.isDigit(byte) { digits += 1 } else if Bytes.isUpper(byte) { upper += 1 } else if Bytes.isLower(byte) { lower += 1 }
            }
        }
        if hasAt >= 0, let email = email(token, at: hasAt) {
            found.append(Finding(type: .email, range: (start + email.lowerBound)..<(start + email.upperBound), confidence: 0.95, detail: "email"))
            return
        }
        if let secret = Secrets.match(token) {
            found.append(Finding(type: .secret, range: (start + secret.range.lowerBound)..<(start + secret.range.upperBound), confidence: secret.confidence, detail: secret.detail))
            return
        }
        if dots == 3, digits >= 4, let ip = ipv4(token) {
            found.append(Finding(type: .ip, range: start..<(start + ip.length), confidence: ip.confidence, detail: "ipv4"))
            return
        }
        if colons >= 2, ipv6(token) {
            found.append(Finding(type: .ip, range: start..<end, confidence: 0.9, detail: "ipv6"))
            return
        }
        if upper >= 1 || end - start == 11, digits >= 1, let id = LetterIDs.match(token) {
            found.append(Finding(type: id.type, range: start..<end, confidence: id.confidence, detail: id.detail))
            return
        }
        // `IBAN:DE89...`, `ip=10.1.2.3`: the value after a label.
        if let separator = token.lastIndex(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "=") }), separator >= 1, end - (start + separator + 1) >= 5,
           colons <= 1 {
            self.token(text, start + separator + 1, end, into: &found)
        }
    }

    /// The e-mail address around the `@` at `at`: local part and a dotted domain with a TLD of letters.
    static func email(_ token: UnsafeBufferPointer<UInt8>, at: Int) -> Range<Int>? {
        func isLocal(_ byte: UInt8) -> Bool {
            Bytes.isAlnum(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "%")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
        }
        var start = at
        while start > 0, isLocal(token[start - 1]) { start -= 1 }
        while start < at, token[start] == UInt8(ascii: ".") { start += 1 }
        guard start < at else { return nil }
        var end = at + 1
        var lastDot = -1
        while end < token.count, Bytes.isAlnum(token[end]) || token[end] == UInt8(ascii: "-") || token[end] == UInt8(ascii: ".") {
            if token[end] == UInt8(ascii: ".") {
                guard end > at + 1, token[end - 1] != UInt8(ascii: ".") else { break }
                lastDot = end
            }
            end += 1
        }
        while end > at + 1, token[end - 1] == UInt8(ascii: ".") || token[end - 1] == UInt8(ascii: "-") { end -= 1 }
        guard lastDot > at + 1, lastDot < end - 2 else { return nil }
        for index in (lastDot + 1)..<end where !Bytes.isLetter(token[index]) { return nil }
        return start..<end
    }

    /// A dotted quad at the start of the token (a `:port` or `/prefix` may follow).
    static func ipv4(_ token: UnsafeBufferPointer<UInt8>) -> (length: Int, confidence: Double)? {
        var octets: [Int] = []
        var index = 0
        while octets.count < 4 {
            let groupStart = index
            var value = 0
            while index < token.count, Bytes.isDigit(token[index]), index - groupStart < 3 {
                value = value * 10 + Bytes.digit(token[index])
                index += 1
            }
            let width = index - groupStart
            guard width > 0, value <= 255, !(width > 1 && token[groupStart] == UInt8(ascii: "0")) else { return nil }
            octets.append(value)
            if octets.count < 4 {
                guard index < token.count, token[index] == UInt8(ascii: ".") else { return nil }
                index += 1
            }
        }
        if index < token.count {
            let next = token[index]
            guard next == UInt8(ascii: ":") || next == UInt8(ascii: "/") else { return nil }
        }
        // Version numbers look like addresses: 1.2.3.4 is reported below the default threshold.
        let confidence = octets.allSatisfy({ $0 < 10 }) ? 0.4 : 0.85
        return (index, confidence)
    }

    /// Colon-separated hex groups: eight of them, or fewer with one `::`.
    static func ipv6(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        var groups = 0, compressed = 0, width = 0, hasLetterOrDigit = false
        var index = 0
        while index < token.count {
            let byte = token[index]
            if byte == UInt8(ascii: ":") {
                if index + 1 < token.count, token[index + 1] == UInt8(ascii: ":") {
                    compressed += 1
                    if width > 0 { groups += 1 }
                    width = 0
                    index += 2
                    continue
                }
                guard width > 0 else { return false }
                groups += 1
                width = 0
            } else if Bytes.isHex(byte) {
                width += 1
                hasLetterOrDigit = true
                guard width <= 4 else { return false }
            } else {
                return false
            }
            index += 1
        }
        if width > 0 { groups += 1 }
        guard hasLetterOrDigit, compressed <= 1 else { return false }
        return compressed == 1 ? groups >= 2 && groups <= 7 : groups == 8
    }
}
