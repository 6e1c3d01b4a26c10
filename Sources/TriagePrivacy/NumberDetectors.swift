import TriageConfig

/// Detectors for numbers written with optional separators: payment cards, US SSNs, numeric
/// national ids (French NIR, Swedish personnummer, Dutch BSN, Brazilian CPF, Polish PESEL) and
/// phone numbers.
enum NumberDetectors {
    /// A run of digits and separators, as written.
    struct Run {
        var range: Range<Int>
        var digits: [Int] = []
        var groups: [Int] = []
        var separators: Set<UInt8> = []
        var plus = false
        var parens = false
        var extensionDigits = 0
    }

    static let separators: Set<UInt8> = [UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "/")]
    /// Bytes that, right before a number, make it part of something else (an id, a version, an amount).
    static let attachedBefore: Set<UInt8> = Set(".-_/#@:$+=,&%\\".utf8)

    static func scan(_ text: UnsafeBufferPointer<UInt8>, into found: inout [Finding]) {
        var index = 0
        let count = text.count
        while index < count {
            let byte = text[index]
            let startsNumber = Bytes.isDigit(byte)
                || ((byte == UInt8(ascii: "+") || byte == UInt8(ascii: "(")) && index + 1 < count && Bytes.isDigit(text[index + 1]))
            guard startsNumber else {
                index += 1
                continue
            }
            if index > 0, Bytes.isAlnum(text[index - 1]) || (byte != UInt8(ascii: "+") && attachedBefore.contains(text[index - 1])) {
                // Inside a word or attached to one: skip the rest of this number.
                index += 1
                while index < count, Bytes.isAlnum(text[index]) { index += 1 }
                continue
            }
            let run = collect(text, from: index)
            index = max(run.range.upperBound, index + 1)
            guard run.digits.count >= 7, isFree(text, after: run.range.upperBound) else { continue }
            if let finding = classify(run, text) { found.append(finding) }
        }
    }

    /// Reads digits and single separators (two for `) ` and ` (`) from `start`, and a phone extension.
    static func collect(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Run {
        var run = Run(range: start..<start)
        var index = start
        var group = 0
        var end = start
        if text[index] == UInt8(ascii: "+") {
            run.plus = true
            index += 1
        }
        while index < text.count, run.digits.count <= 20 {
            let byte = text[index]
            if Bytes.isDigit(byte) {
                run.digits.append(Bytes.digit(byte))
                group += 1
                index += 1
                end = index
                continue
            }
            guard separators.contains(byte) else { break }
            var next = index + 1
            if next < text.count, separators.contains(text[next]), text[next] != byte { next += 1 }
            guard next < text.count, Bytes.isDigit(text[next]) else { break }
            if group > 0 { run.groups.append(group) }
            group = 0
            for separator in index..<next {
                run.separators.insert(text[separator])
                if text[separator] == UInt8(ascii: "(") || text[separator] == UInt8(ascii: ")") { run.parens = true }
            }
            index = next
        }
        if group > 0 { run.groups.append(group) }
        // `x2284` / ` ext. 12` after a phone number.
        if end < text.count, text[end] == UInt8(ascii: "x"), end + 1 < text.count, Bytes.isDigit(text[end + 1]) {
            var cursor = end + 1
            while cursor < text.count, Bytes.isDigit(text[cursor]) { cursor += 1 }
            run.extensionDigits = cursor - end - 1
            end = cursor
        }
        run.range = start..<end
        return run
    }

    /// Whether the number ends there: not followed by letters, a time (`:`), a decimal or another part of an id.
    static func isFree(_ text: UnsafeBufferPointer<UInt8>, after end: Int) -> Bool {
        guard end < text.count else { return true }
        let next = text[end]
        if Bytes.isAlnum(next) || next == UInt8(ascii: "@") || next == UInt8(ascii: "_") { return false }
        if [UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: ",")].contains(next),
           end + 1 < text.count, Bytes.isAlnum(text[end + 1]) { return false }
        return true
    }

    static let phoneWords: [[UInt8]] = ["phone", "tel", "mobil", "cell", "call", "fax", "whatsapp", "handy", "contact", "reach", "text me", "sms"].map { Array($0.utf8) }

    static func classify(_ run: Run, _ text: UnsafeBufferPointer<UInt8>) -> Finding? {
        let digits = run.digits
        let n = digits.count
        let seps = run.separators
        func finding(_ type: SensitiveType, _ confidence: Double, _ detail: String) -> Finding {
            Finding(type: type, range: run.range, confidence: confidence, detail: detail)
        }
        func context(_ words: [String]) -> Bool {
            Bytes.context(text, before: run.range.lowerBound, window: 40, words: words.map { Array($0.utf8) })
        }
        guard !run.plus, run.extensionDigits == 0 else { return phone(run, text) }
        if run.groups == [3, 2, 4], seps.count == 1, seps.isSubset(of: [UInt8(ascii: "-"), UInt8(ascii: " ")]), NationalIDs.ssnValid(digits) {
            return finding(.ssn, seps.contains(UInt8(ascii: "-")) ? 0.9 : 0.6, "us_ssn")
        }
        if n >= 12, n <= 19, seps.isSubset(of: [UInt8(ascii: " "), UInt8(ascii: "-")]), !run.parens, let brand = NationalIDs.cardBrand(digits), Checksums.luhn(digits) {
            // Twelve-digit Maestro numbers are short enough to be something else more often.
            return finding(.card, n == 12 ? 0.6 : 0.95, brand)
        }
        if n == 15, seps.isSubset(of: [UInt8(ascii: " ")]), Checksums.nirValid(digits) { return finding(.nationalID, 0.9, "fr_nir") }
        if let swedish = NationalIDs.personnummer(run) { return finding(.nationalID, swedish, "se_personnummer") }
        if n == 11, run.groups == [3, 3, 3, 2] || run.groups == [11], NationalIDs.cpfValid(digits) {
            return finding(.nationalID, run.groups.count == 4 ? 0.9 : 0.75, "br_cpf")
        }
        if n == 11, run.groups == [11], NationalIDs.peselValid(digits) { return finding(.nationalID, 0.6, "pl_pesel") }
        if n == 9, run.groups == [9] {
            if context(["ssn", "social security"]), NationalIDs.ssnValid(digits) { return finding(.ssn, 0.85, "us_ssn") }
            if context(["bsn", "burgerservice"]), Checksums.elevenProof(digits) { return finding(.nationalID, 0.85, "nl_bsn") }
        }
        return phone(run, text)
    }

    /// Whether the run starts with a calendar date: `2024-05-12`, `12.05.2024`, `05/12/2024`.
    static func isDate(_ run: Run) -> Bool {
        let groups = run.groups, d = run.digits
        guard groups.count >= 3 else { return false }
        func value(_ from: Int, _ count: Int) -> Int { d[from..<(from + count)].reduce(0) { $0 * 10 + $1 } }
        if groups.prefix(3).elementsEqual([4, 2, 2]) {
            return (1900...2099).contains(value(0, 4)) && (1...12).contains(value(4, 2)) && (1...31).contains(value(6, 2))
        }
        if groups.prefix(3).elementsEqual([2, 2, 4]) {
            return (1900...2099).contains(value(4, 4)) && (1...31).contains(value(0, 2)) && (1...31).contains(value(2, 2))
        }
        return false
    }

    static func phone(_ run: Run, _ text: UnsafeBufferPointer<UInt8>) -> Finding? {
        let n = run.digits.count
        let groups = run.groups
        let dateLike = !run.plus && isDate(run)
        // 3-2-4 is the shape of an SSN (one that failed its check here), not of a phone number.
        let ssnShaped = groups == [3, 2, 4] && !run.plus && !run.parens
        guard !dateLike, !ssnShaped, n >= 7, n <= 15 else { return nil }
        let keyword = Bytes.context(text, before: run.range.lowerBound, window: 40, words: phoneWords)
        var confidence: Double
        if run.plus {
            guard n >= 8, run.digits[0] != 0 else { return nil }
            confidence = 0.9
        } else if run.digits.starts(with: [0, 0]), n >= 10 {
            confidence = 0.75
        } else if groups.count >= 2 {
            // Grouped national formats: every group of two digits or more (but a leading area code in parentheses).
            let shortGroups = groups.dropFirst(run.parens ? 1 : 0).filter { $0 < 2 }.count
            let dotted = run.separators == [UInt8(ascii: ".")]
            // Eight digits in three groups or more after a trunk 0 (`08-42 18 19`), nine otherwise.
            let least = run.digits[0] == 0 && groups.count >= 3 ? 8 : 9
            guard shortGroups == 0, n >= least, !(dotted && groups.count > 3 && n < 10) else {
                return keyword && n >= 9 && !dotted ? Finding(type: .phone, range: run.range, confidence: 0.6, detail: "phone") : nil
            }
            confidence = run.parens || run.extensionDigits > 0 ? 0.8 : 0.65
        } else if run.digits[0] == 0, n >= 9, n <= 12 {
            confidence = 0.55
        } else {
            confidence = 0.3
        }
        if keyword { confidence = max(confidence, 0.85) }
        return Finding(type: .phone, range: run.range, confidence: confidence, detail: run.plus ? "phone_intl" : "phone")
    }
}
