/// Check rules of the numeric ids the number detector recognises.
enum NationalIDs {
    /// US SSN: area not 000, 666 or 9xx; group not 00; serial not 0000.
    static func ssnValid(_ digits: [Int]) -> Bool {
        guard digits.count == 9 else { return false }
        let area = digits[0] * 100 + digits[1] * 10 + digits[2]
        let group = digits[3] * 10 + digits[4]
        let serial = digits[5] * 1000 + digits[6] * 100 + digits[7] * 10 + digits[8]
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
    }

    /// The card network of a number by its issuer prefix and length, or nil.
    static func cardBrand(_ digits: [Int]) -> String? {
        let n = digits.count
        func prefix(_ count: Int) -> Int { digits.prefix(count).reduce(0) { $0 * 10 + $1 } }
        switch digits[0] {
        case 4 where n == 13 || n == 16 || n == 19: return "visa"
        case 5 where (51...55).contains(prefix(2)) && n == 16: return "mastercard"
        case 2 where (2221...2720).contains(prefix(4)) && n == 16: return "mastercard"
        case 3 where (prefix(2) == 34 || prefix(2) == 37) && n == 15: return "amex"
        case 3 where prefix(2) == 35 && n >= 16: return "jcb"
        case 3 where ((300...305).contains(prefix(3)) || prefix(2) == 36 || prefix(2) == 38 || prefix(2) == 39) && n >= 14 && n <= 16: return "diners"
        case 2 where prefix(4) == 2131 && n == 15, 1 where prefix(4) == 1800 && n == 15: return "jcb"
        case 6 where prefix(4) == 6011 || prefix(2) == 65 || (644...649).contains(prefix(3)): return n >= 16 ? "discover" : nil
        case 6 where prefix(2) == 62 && n >= 16: return "unionpay"
        case 5, 6: return prefix(2) != 59 ? "maestro" : nil
        default: return nil
        }
    }

    /// Swedish personnummer `YYMMDD-NNNC` (or with the century, `YYYYMMDD-NNNC`): a date and Luhn
    /// over the ten digits. Without the dash only after the word "personnummer".
    static func personnummer(_ run: NumberDetectors.Run) -> Double? {
        guard run.groups == [6, 4] || run.groups == [8, 4], run.separators == [UInt8(ascii: "-")] else { return nil }
        let ten = Array(run.digits.suffix(10))
        let month = ten[2] * 10 + ten[3], day = ten[4] * 10 + ten[5]
        guard Checksums.plausibleDate(month: month, day: day), Checksums.luhn(ten) else { return nil }
        return 0.85
    }

    /// Brazilian CPF: two mod-11 check digits.
    static func cpfValid(_ digits: [Int]) -> Bool {
        guard digits.count == 11, Set(digits).count > 1 else { return false }
        func check(_ length: Int) -> Int {
            var sum = 0
            for index in 0..<length { sum += digits[index] * (length + 1 - index) }
            let rest = sum * 10 % 11
            return rest == 10 ? 0 : rest
        }
        return check(9) == digits[9] && check(10) == digits[10]
    }

    /// Polish PESEL: weights 1-3-7-9, a month carrying the century (+20, +40, +60, +80) and a day.
    static func peselValid(_ digits: [Int]) -> Bool {
        guard digits.count == 11 else { return false }
        let weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
        var sum = 0
        for index in 0..<10 { sum += digits[index] * weights[index] }
        let month = (digits[2] * 10 + digits[3]) % 20
        let day = digits[4] * 10 + digits[5]
        return (10 - sum % 10) % 10 == digits[10] && (1...12).contains(month) && (1...31).contains(day)
    }
}
