import TriageConfig

/// Ids written with letters and digits in one token: IBAN, Spanish DNI/NIE, Finnish HETU, UK NINO.
enum LetterIDs {
    static func match(_ token: UnsafeBufferPointer<UInt8>) -> (type: SensitiveType, confidence: Double, detail: String)? {
        let bytes = Array(token)
        let count = bytes.count
        if count >= 15, count <= 34, Bytes.isUpper(bytes[0]), Bytes.isUpper(bytes[1]), Bytes.isDigit(bytes[2]), Bytes.isDigit(bytes[3]),
           bytes.allSatisfy({ Bytes.isUpper($0) || Bytes.isDigit($0) }) {
            let country = String(decoding: bytes[0..<2], as: UTF8.self)
            if Checksums.ibanLengths[country] == count, Checksums.ibanValid(bytes) { return (.iban, 0.98, "iban \(country)") }
            return nil
        }
        if let dni = spanish(bytes) { return (.nationalID, 0.9, dni) }
        if count == 11, hetu(bytes) { return (.nationalID, 0.9, "fi_hetu") }
        if count == 9, let confidence = nino(bytes) { return (.nationalID, confidence, "uk_nino") }
        return nil
    }

    /// `12345678Z` / `12345678-Z` (DNI) or `X1234567L` (NIE) with the right control letter.
    static func spanish(_ bytes: [UInt8]) -> String? {
        var chars = bytes
        if chars.count == 10, chars[8] == UInt8(ascii: "-") { chars.remove(at: 8) }
        guard chars.count == 9, let letter = chars.last, Bytes.isUpper(letter) else { return nil }
        var number = 0
        var detail = "es_dni"
        for (index, byte) in chars.dropLast().enumerated() {
            if index == 0, let lead = [UInt8(ascii: "X"), UInt8(ascii: "Y"), UInt8(ascii: "Z")].firstIndex(of: byte) {
                number = lead
                detail = "es_nie"
                continue
            }
            guard Bytes.isDigit(byte) else { return nil }
            number = number * 10 + Bytes.digit(byte)
        }
        return Checksums.dniLetters[number % 23] == letter ? detail : nil
    }

    /// `DDMMYYCNNNX`: date, century sign, individual number, control character mod 31.
    static func hetu(_ bytes: [UInt8]) -> Bool {
        let centuries = Array("+-ABCDEFUVWXY".utf8)
        guard centuries.contains(bytes[6]) else { return false }
        var number = 0
        for index in [0, 1, 2, 3, 4, 5, 7, 8, 9] {
            guard Bytes.isDigit(bytes[index]) else { return false }
            number = number * 10 + Bytes.digit(bytes[index])
        }
        let day = Bytes.digit(bytes[0]) * 10 + Bytes.digit(bytes[1])
        let month = Bytes.digit(bytes[2]) * 10 + Bytes.digit(bytes[3])
        guard Checksums.plausibleDate(month: month, day: day), day <= 31 else { return false }
        return Checksums.hetuChars[number % 31] == bytes[10]
    }

    /// `AB123456C`: two prefix letters (not D, F, I, Q, U, V; second not O), six digits, a suffix
    /// letter: A-D as issued (0.7), any other letter as test data and forms use (0.6).
    static func nino(_ bytes: [UInt8]) -> Double? {
        let banned = Array("DFIQUV".utf8)
        guard Bytes.isUpper(bytes[0]), Bytes.isUpper(bytes[1]), !banned.contains(bytes[0]), !banned.contains(bytes[1]),
              bytes[1] != UInt8(ascii: "O"), Bytes.isUpper(bytes[8]), bytes[2..<8].allSatisfy(Bytes.isDigit) else { return nil }
        return (UInt8(ascii: "A")...UInt8(ascii: "D")).contains(bytes[8]) ? 0.7 : 0.6
    }
}

/// Ids written in space-separated groups: `DE89 3704 0044 0532 0130 00`, `AB 12 34 56 C`, `AB 123456 C`.
enum GroupedIDs {
    static func match(_ text: UnsafeBufferPointer<UInt8>, tokenStart: Int, tokenEnd: Int) -> Finding? {
        let width = tokenEnd - tokenStart
        guard width == 2 || width == 4, Bytes.isUpper(text[tokenStart]), Bytes.isUpper(text[tokenStart + 1]) else { return nil }
        // The characters of the groups that follow, each after exactly one space.
        var chars = Array(text[tokenStart..<tokenEnd])
        var index = tokenEnd
        var end = tokenEnd
        var groups = 0
        while index + 1 < text.count, text[index] == UInt8(ascii: " "), Bytes.isUpper(text[index + 1]) || Bytes.isDigit(text[index + 1]), chars.count < 34 {
            var cursor = index + 1
            var groupWidth = 0
            while cursor < text.count, Bytes.isUpper(text[cursor]) || Bytes.isDigit(text[cursor]), groupWidth < 6 {
                chars.append(text[cursor])
                cursor += 1
                groupWidth += 1
            }
            if cursor < text.count, Bytes.isAlnum(text[cursor]) { break }
            groups += 1
            index = cursor
            end = cursor
            if width == 4, chars.count >= 15, let length = Checksums.ibanLengths[String(decoding: chars[0..<2], as: UTF8.self)], chars.count >= length { break }
            if width == 2, chars.count >= 9 { break }
        }
        guard groups > 0 else { return nil }
        if width == 4, Bytes.isDigit(chars[2]), Bytes.isDigit(chars[3]) {
            let country = String(decoding: chars[0..<2], as: UTF8.self)
            guard Checksums.ibanLengths[country] == chars.count, Checksums.ibanValid(chars) else { return nil }
            return Finding(type: .iban, range: tokenStart..<end, confidence: 0.98, detail: "iban \(country)")
        }
        if width == 2, chars.count == 9, let confidence = LetterIDs.nino(chars) {
            return Finding(type: .nationalID, range: tokenStart..<end, confidence: confidence, detail: "uk_nino")
        }
        return nil
    }
}
