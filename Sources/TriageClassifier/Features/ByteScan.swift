/// One pass over a prompt's UTF-8 bytes counting the character-level signals of ``ComplexityFeatures``.
struct ByteScan {
    var bytes = 0, scalars = 0, nonASCII = 0, digits = 0, newlines = 0, questions = 0
    var fences = 0, inlineCode = 0, codeSymbols = 0, mathExpressions = 0, mathNotation = 0
    var listItems = 0

    private static let mathScalars: Set<UInt32> = [
        0x2211, 0x222B, 0x221A, 0x2264, 0x2265, 0x2260, 0x03C0, 0x221E, 0x00B1, 0x00D7, 0x00F7, 0x2202,
        0x2208, 0x2200, 0x2203, 0x2248, 0x2192, 0x21D2, 0x2227, 0x2228, 0x00AC, 0x2286, 0x222A, 0x2229,
    ]

    init(_ text: String) {
        var previous: UInt8 = 0x0A       // previous byte (start counts as a line start)
        var lastNonSpace: UInt8 = 0
        var pendingOperator = false      // saw "digit op", waiting for an operand
        var atLineStart = true
        var backtickRun = 0
        var lineDigits = false           // digits seen at the start of the current line
        for byte in text.utf8 {
            bytes += 1
            if byte & 0xC0 != 0x80 { scalars += 1 }
            if byte >= 0xC0 { nonASCII += 1 }
            if byte == 0x60 {  // `
                backtickRun += 1
            } else {
                if backtickRun >= 3 { fences += 1 } else if backtickRun > 0 { inlineCode += 1 }
                backtickRun = 0
            }
            let isDigit = byte >= 0x30 && byte <= 0x39
            let isLetter = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
            let isSpace = byte == 0x20 || byte == 0x09
            if isDigit { digits += 1 }
            switch byte {
            case 0x0A: newlines += 1
            case 0x3F: questions += 1
            case 0x7B, 0x7D, 0x3B: codeSymbols += 1                       // { } ;
            case 0x3E where previous == 0x3D || previous == 0x2D: codeSymbols += 1  // => ->
            case 0x3D where previous == 0x3D || previous == 0x21: codeSymbols += 1  // == !=
            case 0x3A where previous == 0x3A: codeSymbols += 1            // ::
            case 0x23: codeSymbols += 1                                    // # (#include, comments)
            case 0x5E, 0x24: mathNotation += 1                             // ^ $
            case 0x5C: mathNotation += 1                                   // \frac, \sum, ...
            default: break
            }
            // "digit op operand": 3 + 4, 2x = 6, 10/5
            if pendingOperator && !isSpace {
                if isDigit || isLetter || byte == 0x28 { mathExpressions += 1 }
                pendingOperator = false
            }
            switch byte {
            case 0x2B, 0x2D, 0x2A, 0x2F, 0x3D, 0x5E, 0x25, 0x3C, 0x3E:  // + - * / = ^ % < >
                if (lastNonSpace >= 0x30 && lastNonSpace <= 0x39) || lastNonSpace == 0x29 { pendingOperator = true }
            default: break
            }
            // List items: "1. ", "2) ", "- ", "* " at the start of a line.
            if atLineStart {
                if isDigit {
                    lineDigits = true
                } else if lineDigits && (byte == 0x2E || byte == 0x29) {
                    listItems += 1
                    atLineStart = false
                } else if !lineDigits && (byte == 0x2D || byte == 0x2A) && previous != 0x2D && previous != 0x2A {
                    listItems += 1
                    atLineStart = false
                } else if !isSpace {
                    atLineStart = false
                }
            }
            if byte == 0x0A {
                atLineStart = true
                lineDigits = false
            }
            if !isSpace && byte != 0x0A { lastNonSpace = byte }
            previous = byte
        }
        if backtickRun >= 3 { fences += 1 } else if backtickRun > 0 { inlineCode += 1 }
        if nonASCII > 0 {
            for scalar in text.unicodeScalars where Self.mathScalars.contains(scalar.value) { mathNotation += 1 }
        }
    }
}
