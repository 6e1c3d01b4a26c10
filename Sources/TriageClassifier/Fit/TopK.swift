/// The `k` best (score, index) pairs seen so far: higher score first, ties to the lower index.
///
/// Storage is allocated once (k entries); `admits` is two comparisons against the current k-th
/// entry, and `offer` shifts the worse entries down in place (no array insert/remove).
struct TopK {
    struct Entry {
        var index: Int
        var score: Float
    }

    let k: Int
    private(set) var entries: [Entry]
    /// The k-th entry once the list is full (the bar a new candidate must beat).
    private var lastScore: Float = -.infinity
    private var lastIndex: Int = .max
    private var full = false

    init(k: Int) {
        self.k = max(k, 1)
        entries = []
        entries.reserveCapacity(self.k)
    }

    /// Whether `(index, score)` would enter the list (ranks before the current k-th entry).
    @inline(__always)
    func admits(_ index: Int, _ score: Float) -> Bool {
        !full || score > lastScore || (score == lastScore && index < lastIndex)
    }

    /// Offers a candidate; keeps the list sorted and at most `k` long.
    mutating func offer(_ index: Int, _ score: Float) {
        guard admits(index, score) else { return }
        let new = Entry(index: index, score: score)
        if !full { entries.append(new) }
        entries.withUnsafeMutableBufferPointer { e in
            // The last slot is free (just appended) or holds the entry that drops out.
            var position = e.count - 1
            while position > 0 {
                let previous = e[position - 1]
                guard previous.score < score || (previous.score == score && previous.index > index) else { break }
                e[position] = previous
                position -= 1
            }
            e[position] = new
        }
        if entries.count == k {
            full = true
            lastScore = entries[k - 1].score
            lastIndex = entries[k - 1].index
        }
    }

    /// The entries as matches, similarity clamped to [0, 1].
    var matches: [ReferenceMatch] {
        entries.map { ReferenceMatch(referenceIndex: $0.index, similarity: Double(min(max($0.score, 0), 1))) }
    }
}
