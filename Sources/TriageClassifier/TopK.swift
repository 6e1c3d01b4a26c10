/// The `k` best (score, index) pairs seen so far: higher score first, ties to the lower index.
struct TopK {
    struct Entry {
        var index: Int
        var score: Float
    }

    let k: Int
    private(set) var entries: [Entry] = []

    init(k: Int) {
        self.k = max(k, 1)
        entries.reserveCapacity(self.k + 1)
    }

    /// Whether `(index, score)` would enter the list (ranks before the current k-th entry).
    @inline(__always)
    func admits(_ index: Int, _ score: Float) -> Bool {
        guard entries.count == k, let last = entries.last else { return true }
        return score > last.score || (score == last.score && index < last.index)
    }

    /// Offers a candidate; keeps the list sorted and at most `k` long.
    mutating func offer(_ index: Int, _ score: Float) {
        guard admits(index, score) else { return }
        var position = entries.count
        while position > 0 {
            let previous = entries[position - 1]
            guard previous.score < score || (previous.score == score && previous.index > index) else { break }
            position -= 1
        }
        entries.insert(Entry(index: index, score: score), at: position)
        if entries.count > k { entries.removeLast() }
    }

    /// The entries as matches, similarity clamped to [0, 1].
    var matches: [ReferenceMatch] {
        entries.map { ReferenceMatch(referenceIndex: $0.index, similarity: Double(min(max($0.score, 0), 1))) }
    }
}
