import TriageHashing

/// One pass over a prompt's UTF-8 bytes for the structural signals of ``ComplexityFeatures``:
/// multiple-choice layout (a stem followed by lines "A. …", "B. …" in letter order), the stem's
/// words and sentences, numbers, negations in capitals, and a few punctuation counts.
///
/// Words here are maximal runs of ASCII letters/digits or non-ASCII bytes, hashed like the
/// tokenizer (FNV-1a of the lowercased bytes), so cue sets built with ``Tokenizer/wordHash(_:)``
/// match ASCII words.
struct PromptStructure {
    /// Choice lines found ("A." … up to "J.", in order, each at a line start).
    var choiceCount = 0
    /// Words in the stem (everything before the first choice line; the whole prompt without choices).
    var stemWords = 0
    /// Sentences in the stem: `.`, `?` or `!` followed by white space or the end of the stem.
    var stemSentences = 0
    /// Stem words that are negations or "except"-style cues (``ComplexityCues/negationWords``).
    var stemNegations = 0
    /// Stem words "i", "my", "me".
    var stemFirstPerson = 0
    /// Numbers (digit runs, with inner `.`/`,` between digits) in the stem.
    var stemNumbers = 0
    /// Words per choice line.
    var choiceWords: [Int] = []
    /// Choices that start with a number (optionally after `-` or `$`).
    var numericChoices = 0
    /// Choices of at most four space-separated tokens with exactly one comma ("Wrong, Not wrong").
    var pairChoices = 0
    /// Choices containing "true", "false" or "wrong".
    var truthChoices = 0
    /// A choice says "all/none/both of the above/these" or "both A and B".
    var allOrNone = false
    /// Mean pairwise Jaccard overlap of the choices' word sets (0 without choices).
    var choiceOverlap = 0.0
    /// All numbers; distinct numbers (by their bytes); numbers with a decimal point.
    var numbers = 0, distinctNumbers = 0, decimals = 0
    /// `%` signs; `digit/digit`; `$` signs.
    var percents = 0, fractions = 0, dollars = 0
    /// Words written in capitals that negate ("NOT", "EXCEPT", "LEAST", …).
    var capitalNegations = 0
    /// ASCII capital letters; `(`; straight and curly double quotes.
    var capitals = 0, parentheses = 0, quotes = 0

    init(_ text: String) {
        var choiceSets: [[UInt64]] = []
        var numberHashes: [UInt64] = []
        var inChoices = false
        var lineIndex = 0            // bytes since the line start
        var currentChoice = -1
        var choiceTokens = 0, choiceCommas = 0, choiceInToken = false, choiceFirst: UInt8 = 0
        var choiceLeadDone = false
        // word state
        var hash = FNV1a.offsetBasis64, inWord = false, wordAllCaps = true, wordHasLetter = false
        var recent: (UInt64, UInt64, UInt64) = (0, 0, 0)  // previous three word hashes in the current choice
        // number state
        var inNumber = false, numberHash = FNV1a.offsetBasis64, pendingSeparator = false
        var previous: UInt8 = 0x0A, beforePrevious: UInt8 = 0x0A
        var stemOpenSentence = false

        func finishChoice() {
            guard currentChoice >= 0 else { return }
            if choiceTokens <= 4 && choiceCommas == 1 { pairChoices += 1 }
        }
        func endWord() {
            guard inWord else { return }
            inWord = false
            if !inChoices {
                stemWords += 1
                stemOpenSentence = true
                if let kinds = ComplexityCues.wordKinds[hash] {
                    if kinds & ComplexityCues.negation != 0 { stemNegations += 1 }
                    if kinds & ComplexityCues.firstPerson != 0 { stemFirstPerson += 1 }
                }
            } else if currentChoice >= 0 {
                choiceWords[currentChoice] += 1
                choiceSets[currentChoice].append(hash)
                // "all/none/both of the above|these", "both a and"
                if (hash == ComplexityCues.above || hash == ComplexityCues.these) && recent.2 == ComplexityCues.the
                    && recent.1 == ComplexityCues.of && ComplexityCues.allNoneBoth.contains(recent.0) { allOrNone = true }
                if recent.1 == ComplexityCues.both && ComplexityCues.choiceLetters.contains(recent.2) && hash == ComplexityCues.and {
                    allOrNone = true
                }
                recent = (recent.1, recent.2, hash)
            }
            if wordAllCaps && wordHasLetter && ComplexityCues.capitalNegations.contains(hash) { capitalNegations += 1 }
            hash = FNV1a.offsetBasis64
        }
        func endNumber() {
            guard inNumber else { return }
            inNumber = false
            pendingSeparator = false
            numbers += 1
            if !inChoices { stemNumbers += 1 }
            numberHashes.append(numberHash)
            numberHash = FNV1a.offsetBasis64
        }

        for byte in text.utf8 {
            // Choice lines: at a line start, the next letter in order followed by "." or ")".
            // `previous` was the letter at the line start (an open one-letter word): drop that word.
            if lineIndex == 1 && (byte == 0x2E || byte == 0x29) && previous >= 0x41 && previous <= 0x4A
                && Int(previous) - 0x41 == choiceSets.count {
                hash = FNV1a.offsetBasis64
                inWord = false
                finishChoice()
                inChoices = true
                choiceSets.append([])
                choiceWords.append(0)
                currentChoice = choiceSets.count - 1
                choiceTokens = 0
                choiceCommas = 0
                choiceInToken = false
                choiceLeadDone = false
                choiceFirst = 0
                recent = (0, 0, 0)
                if stemOpenSentence { stemSentences += 1; stemOpenSentence = false }
                beforePrevious = previous
                previous = byte
                lineIndex += 1
                continue
            }

            let isDigit = byte >= 0x30 && byte <= 0x39
            let isUpper = byte >= 0x41 && byte <= 0x5A
            let isLower = byte >= 0x61 && byte <= 0x7A
            let isSpace = byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
            if isUpper || isLower || isDigit || byte >= 0x80 {
                if !inWord {
                    inWord = true
                    wordAllCaps = true
                    wordHasLetter = false
                }
                if isUpper { capitals += 1; wordHasLetter = true }
                if isLower { wordAllCaps = false; wordHasLetter = true }
                FNV1a.feed(&hash, byte: isUpper ? byte + 0x20 : byte)
            } else {
                endWord()
            }
            // Numbers: digits, with "." or "," between digits.
            if isDigit {
                if pendingSeparator {
                    FNV1a.feed(&numberHash, byte: previous)
                    pendingSeparator = false
                    if previous == 0x2E { decimals += 1 }
                } else if !inNumber {
                    inNumber = true
                }
                FNV1a.feed(&numberHash, byte: byte)
            } else if inNumber && !pendingSeparator && (byte == 0x2E || byte == 0x2C) {
                pendingSeparator = true
            } else {
                endNumber()
            }
            switch byte {
            case 0x25: percents += 1
            case 0x24: dollars += 1
            case 0x28: parentheses += 1
            case 0x22: quotes += 1
            default: break
            }
            if isDigit && previous == 0x2F && beforePrevious >= 0x30 && beforePrevious <= 0x39 { fractions += 1 }
            // Sentences of the stem.
            if !inChoices && isSpace && (previous == 0x2E || previous == 0x3F || previous == 0x21) && stemOpenSentence {
                stemSentences += 1
                stemOpenSentence = false
            }
            // Choice text shape.
            if inChoices && currentChoice >= 0 && byte != 0x0A {
                if byte == 0x2C { choiceCommas += 1 }
                if isSpace { choiceInToken = false } else if !choiceInToken { choiceInToken = true; choiceTokens += 1 }
                if !choiceLeadDone && !isSpace {
                    if choiceFirst == 0 {
                        choiceFirst = byte
                        if isDigit { numericChoices += 1; choiceLeadDone = true }
                        else if byte != 0x2D && byte != 0x24 { choiceLeadDone = true }
                    } else {
                        if isDigit { numericChoices += 1 }
                        choiceLeadDone = true
                    }
                }
            }
            if byte == 0x0A {
                if inChoices && currentChoice >= 0 { endWord(); finishChoice(); currentChoice = -1 }
            }
            beforePrevious = previous
            previous = byte
            lineIndex = byte == 0x0A ? 0 : lineIndex + 1
        }
        endWord()
        endNumber()
        if inChoices && currentChoice >= 0 { finishChoice() }
        if !inChoices && stemOpenSentence { stemSentences += 1 }

        // Curly quotes (U+201C/U+201D) when the text is not ASCII.
        if text.utf8.contains(where: { $0 >= 0x80 }) {
            for scalar in text.unicodeScalars where scalar.value == 0x201C || scalar.value == 0x201D { quotes += 1 }
        }
        numberHashes.sort()
        var previousHash: UInt64? = nil
        for h in numberHashes where h != previousHash { distinctNumbers += 1; previousHash = h }

        choiceCount = choiceSets.count
        truthChoices = 0
        var overlapSum = 0.0, pairs = 0
        let sets = choiceSets.map { words -> [UInt64] in
            var out: [UInt64] = []
            out.reserveCapacity(words.count)
            for h in words.sorted() where out.last != h { out.append(h) }
            return out
        }
        for s in sets where s.contains(where: { ComplexityCues.truthWords.contains($0) }) { truthChoices += 1 }
        if sets.count >= 2 {
            for i in 0 ..< sets.count {
                for j in (i + 1) ..< sets.count {
                    let a = sets[i], b = sets[j]
                    var x = 0, y = 0, common = 0
                    while x < a.count && y < b.count {
                        if a[x] == b[y] { common += 1; x += 1; y += 1 } else if a[x] < b[y] { x += 1 } else { y += 1 }
                    }
                    let union = a.count + b.count - common
                    overlapSum += union > 0 ? Double(common) / Double(union) : 1
                    pairs += 1
                }
            }
            choiceOverlap = overlapSum / Double(pairs)
        }
    }
}
