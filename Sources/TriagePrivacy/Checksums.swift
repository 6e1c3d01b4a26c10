/// The check-digit algorithms behind the detectors' low false-positive rates.
enum Checksums {
    /// Luhn (mod 10) over digit values, the last one being the check digit: cards, Swedish personnummer.
    static func luhn(_ digits: [Int]) -> Bool {
        guard !digits.isEmpty else { return false }
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            if offset % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    /// ISO 13616 IBAN check: the first four characters moved to the end, letters as 10...35, mod 97 == 1.
    static func ibanValid(_ chars: [UInt8]) -> Bool {
        guard chars.count >= 15, chars.count <= 34 else { return false }
        var remainder = 0
        for byte in chars[4...] + chars[..<4] {
            if Bytes.isDigit(byte) {
                remainder = (remainder * 10 + Bytes.digit(byte)) % 97
            } else if Bytes.isUpper(byte) {
                remainder = (remainder * 100 + Int(byte - 65 + 10)) % 97
            } else {
                return false
            }
        }
        return remainder == 1
    }

    /// The IBAN length of each country (SWIFT registry), for the countries most often seen.
    static let ibanLengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "CH": 21,
        "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18,
        "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23,
        "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27,
        "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29,
        "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26,
        "UA": 29, "VG": 24, "XK": 20,
    ]

    /// Spanish DNI/NIE control letter for the number.
    static let dniLetters = Array("TRWAGMYFPDXBNJZSQVHLCKE".utf8)

    /// Finnish HETU control character for the nine-digit number.
    static let hetuChars = Array("0123456789ABCDEFHJKLMNPRSTUVWXY".utf8)

    /// Dutch BSN "11-proof": 9 digits, weights 9...2 and -1, sum divisible by 11.
    static func elevenProof(_ digits: [Int]) -> Bool {
        guard digits.count == 9 else { return false }
        var sum = 0
        for index in 0..<8 { sum += digits[index] * (9 - index) }
        sum -= digits[8]
        return sum % 11 == 0 && sum != 0
    }

    /// French NIR (INSEE number): 13 digits and a key `97 - (number mod 97)`.
    static func nirValid(_ digits: [Int]) -> Bool {
        guard digits.count == 15, [1, 2, 3, 4, 7, 8].contains(digits[0]) else { return false }
        var number = 0
        for digit in digits[..<13] { number = number * 10 + digit }
        let key = digits[13] * 10 + digits[14]
        return key == 97 - number % 97
    }

    /// Whether month and day make a calendar date (day up to 31; Swedish co-ordination numbers add 60 to the day).
    static func plausibleDate(month: Int, day: Int) -> Bool {
        let day = day > 60 ? day - 60 : day
        return (1...12).contains(month) && (1...31).contains(day)
    }
}
