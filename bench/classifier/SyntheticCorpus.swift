import TriageClassifier
import TriageHashing

/// Deterministic synthetic prompts for the benchmark: a banking-like in-domain reference built from
/// templates over a small vocabulary, and out-of-domain prompts from other domains and languages.
/// Everything here is SYNTHETIC; it exercises the code paths and measures speed, not real quality.
struct SyntheticCorpus {
    private var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    private mutating func pick(_ options: [String]) -> String {
        options[Int(random.next() % UInt64(options.count))]
    }

    private static let openers = ["", "", "", "hi, ", "hello, ", "hey there, ", "quick question: ", "please help, ", "good morning, "]
    private static let closers = ["", "", "", " please", " thanks", " thank you so much", " asap", " today", " as soon as possible"]
    private static let products = ["card", "debit card", "credit card", "virtual card", "savings account", "checking account", "pin", "transfer", "direct debit", "standing order", "top up", "refund", "cash withdrawal", "exchange rate", "statement"]
    private static let actions = ["activate", "cancel", "freeze", "unblock", "change", "reset", "order", "replace", "verify", "link", "close", "dispute", "track", "update", "check"]
    private static let problems = ["declined", "charged twice", "blocked", "not arriving", "pending for days", "reverted", "rejected", "stuck", "missing", "delayed"]
    private static let places = ["at the atm", "in a shop", "online", "abroad", "in the app", "at the airport", "on amazon", "at a petrol station", "in another currency"]
    private static let amounts = ["20 euros", "50 dollars", "100 pounds", "a small amount", "my whole salary", "300 usd", "1000 gbp", "the rent money"]
    private static let times = ["yesterday", "this morning", "last week", "two days ago", "since monday", "an hour ago", "last night"]
    private static let recipients = ["my friend", "my landlord", "a new payee", "my other account", "my mother", "a company abroad"]
    private static let attributes = ["balance", "fee", "limit", "interest rate", "iban", "sort code", "spending limit", "daily limit"]

    /// One in-domain (banking-like) prompt of roughly 8–25 words.
    mutating func bankingPrompt() -> String {
        let body: String
        switch random.next() % 10 {
        case 0: body = "how do i \(pick(Self.actions)) my \(pick(Self.products))"
        case 1: body = "why was my \(pick(Self.products)) \(pick(Self.problems)) \(pick(Self.places)) \(pick(Self.times))"
        case 2: body = "i want to send \(pick(Self.amounts)) to \(pick(Self.recipients)), how long does the \(pick(Self.products)) take"
        case 3: body = "what is the \(pick(Self.attributes)) on my \(pick(Self.products))"
        case 4: body = "my \(pick(Self.products)) was \(pick(Self.problems)) \(pick(Self.times)), what should i do"
        case 5: body = "is there a \(pick(Self.attributes)) when i use my \(pick(Self.products)) \(pick(Self.places))"
        case 6: body = "can you \(pick(Self.actions)) the \(pick(Self.products)) i made \(pick(Self.times)) for \(pick(Self.amounts))"
        case 7: body = "i need to \(pick(Self.actions)) my \(pick(Self.products)) because it was \(pick(Self.problems)) \(pick(Self.places))"
        case 8: body = "where can i see the \(pick(Self.attributes)) for \(pick(Self.amounts)) sent to \(pick(Self.recipients))"
        default: body = "the \(pick(Self.products)) to \(pick(Self.recipients)) is \(pick(Self.problems)), can i \(pick(Self.actions)) it"
        }
        return pick(Self.openers) + body + pick(Self.closers)
    }

    private static let outOfDomain: [[String]] = [
        ["how long should i roast a", "what can i cook with", "give me a vegetarian recipe using", "how do i keep my sourdough from being"],
        ["chicken", "leftover rice", "chickpeas and spinach", "dense", "pumpkin soup", "salmon fillets"],
        ["write a python function that", "explain why this rust code", "prove that", "what is the capital of", "translate into german:"],
        ["merges two sorted lists", "fails to borrow check", "the square root of two is irrational", "australia", "the weather is nice"],
    ]

    private static let otherLanguages = [
        "quel temps fera-t-il demain à lyon", "¿cuál es la mejor playa de la costa brava?",
        "wie spät ist es in berlin", "qual è la ricetta della carbonara", "东京有什么好玩的地方",
        "как доехать до вокзала", "ich möchte einen tisch für zwei personen reservieren",
        "recomiéndame una novela de ciencia ficción", "quelle est la hauteur de la tour eiffel",
    ]

    /// One out-of-domain prompt (cooking, programming, trivia, maths, or another language).
    mutating func outOfDomainPrompt() -> String {
        switch random.next() % 3 {
        case 0: return pick(Self.outOfDomain[0]) + " " + pick(Self.outOfDomain[1])
        case 1: return pick(Self.outOfDomain[2]) + " " + pick(Self.outOfDomain[3])
        default: return pick(Self.otherLanguages)
        }
    }

    /// An in-domain prompt of about `tokens` estimated tokens (bytes / 4).
    mutating func longBankingPrompt(tokens: Int) -> String {
        var text = ""
        while text.utf8.count / 4 < tokens { text += bankingPrompt() + ". " }
        return text
    }

    /// A prompt of exactly `words` banking-vocabulary words (for the ~20-token timing).
    mutating func shortBankingPrompt(words: Int) -> String {
        var result: [String] = []
        while result.count < words { result += bankingPrompt().split(separator: " ").map(String.init) }
        return result.prefix(words).joined(separator: " ")
    }
}
