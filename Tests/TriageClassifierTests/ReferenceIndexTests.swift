import Testing
@testable import TriageClassifier

@Suite struct ReferenceIndexTests {
    let index = Fixtures.bankingIndex

    @Test func identicalPromptGivesIdenticalScores() throws {
        let prompt = "why was my card declined at the shop"
        #expect(index.fit(prompt: prompt) == index.fit(prompt: prompt))
        let rebuilt = try ReferenceIndex(prompts: Fixtures.bankingPrompts)
        #expect(rebuilt.fit(prompt: prompt) == index.fit(prompt: prompt))
        #expect(rebuilt.calibration == index.calibration)
    }

    @Test func promptCopiedFromTheReferenceFitsWell() {
        for prompt in [Fixtures.bankingPrompts[6], Fixtures.bankingPrompts[37], Fixtures.bankingPrompts[95]] {
            let fit = index.fit(prompt: prompt)
            #expect(fit.calibrated >= 0.5, "\(prompt): \(fit)")
        }
        // Every copy finds itself; with k = 5 the raw score also averages 4 neighbours, so the
        // shortest template ("how do i cancel my …", whose neighbours differ most) can sit lower.
        let fits = Fixtures.bankingPrompts.map { index.fit(prompt: $0).calibrated }
        #expect(Double(fits.filter { $0 >= 0.5 }.count) / Double(fits.count) >= 0.9)
        for prompt in Fixtures.bankingPrompts { #expect(index.nearest(prompt, k: 1).first?.similarity ?? 0 > 0.999) }
    }

    @Test func otherDomainOrLanguageScoresLow() {
        for prompt in ["quel temps fera-t-il demain à lyon ?", "write a haiku about autumn leaves falling on a pond",
                       "東京でおすすめのラーメン屋はどこですか", "prove that the sum of two even integers is even"] {
            let fit = index.fit(prompt: prompt)
            #expect(fit.calibrated <= 0.05, "\(prompt): \(fit)")
        }
    }

    @Test func calibrationIsMonotonicInRawSimilarity() {
        let table = index.calibration
        #expect(!table.sortedScores.isEmpty)
        var previous = -1.0
        for step in 0 ... 200 {
            let value = table.calibrated(Double(step) / 200)
            #expect(value >= previous && (0 ... 1).contains(value))
            previous = value
        }
        #expect(table.calibrated(-1) == 0)
        #expect(table.calibrated(2) == 1)
        #expect(CalibrationTable(scores: [0.3, 0.1, 0.2]).calibrated(0.2) == 2.0 / 3)
        // Real prompts: a higher raw score never gets a lower fit.
        let scores = ["my card", "why was my card declined", "how do i cancel my card", "the weather in rome"]
            .map { index.fit(prompt: $0) }.sorted { $0.raw < $1.raw }
        #expect(zip(scores, scores.dropFirst()).allSatisfy { $0.calibrated <= $1.calibrated })
    }

    @Test func heldOutSetIsAboutTenPercentAndDeterministic() {
        let held = ReferenceIndex.heldOutSet(Fixtures.bankingPrompts, fraction: 0.1)
        #expect(held.count == 10)
        #expect(held == ReferenceIndex.heldOutSet(Fixtures.bankingPrompts, fraction: 0.1))
        #expect(index.calibration.sortedScores.count == 10)
        #expect(ReferenceIndex.heldOutSet(["a", "b"], fraction: 0.1).count == 1)
    }

    @Test func nearestAndExampleExplainTheScore() throws {
        let matches = index.nearest("why was my refund declined yesterday", k: 3)
        #expect(matches.count == 3)
        #expect(zip(matches, matches.dropFirst()).allSatisfy { $0.similarity >= $1.similarity })
        let best = try #require(matches.first)
        #expect(index.example(at: best.referenceIndex) == "why was my refund declined yesterday")
        #expect(index.example(at: -1) == nil)
        #expect(index.example(at: index.count) == nil)
    }

    @Test(arguments: [1, 5])
    func rawScoreIsTheMeanOfTopKWithoutThePenalty(k: Int) throws {
        let local = try ReferenceIndex(prompts: Fixtures.bankingPrompts,
                                       options: ReferenceIndexOptions(k: k, unseenWordPenalty: 0))
        let prompt = "my pin is not working zzqx"
        let expected = local.nearest(prompt, k: k).reduce(0) { $0 + $1.similarity } / Double(k)
        #expect(abs(local.fit(prompt: prompt).raw - expected) < 1e-12)
        #expect(local.options.k == k)
    }

    @Test func unseenWordShareCountsWordsNoReferencePromptUses() {
        let postings = index.index
        #expect(postings.unseenWordShare(Tokenizer.tokenize("")) == 0)
        #expect(postings.unseenWordShare(Tokenizer.tokenize("why was my card declined")) == 0)
        #expect(postings.unseenWordShare(Tokenizer.tokenize("my zzqx card qqvv")) == 0.5)
        #expect(postings.unseenWordShare(Tokenizer.tokenize("zzqx qqvv")) == 1)
    }

    @Test func rawScoreSubtractsThePenaltyTimesTheUnseenShare() throws {
        let penalty = 0.3
        #expect(index.options.unseenWordPenalty == penalty)
        for prompt in ["my card was declined at the zzqx", "why was my card declined", "card zzqx qqvv wwkk"] {
            let similarity = index.nearest(prompt, k: 5).reduce(0) { $0 + $1.similarity } / 5
            let share = index.index.unseenWordShare(Tokenizer.tokenize(prompt))
            #expect(abs(index.fit(prompt: prompt).raw - max(0, similarity - penalty * share)) < 1e-12, "\(prompt)")
        }
        // An unseen word lowers the score of an otherwise identical prompt.
        #expect(index.fit(prompt: "why was my card declined zzqx").raw < index.fit(prompt: "why was my card declined").raw)
        // Negative or non-finite penalties are treated as 0.
        let off = try ReferenceIndex(prompts: Fixtures.bankingPrompts, options: ReferenceIndexOptions(unseenWordPenalty: -1))
        #expect(off.options.unseenWordPenalty == 0)
    }

    @Test func candidateSearchMatchesBruteForceOnASmallReference() {
        for prompt in ["my card was charged twice", "is there a fee for a transfer abroad", "hello", "pin pin pin",
                       "card", "the the the", "why was my refund declined yesterday", "zzqx"] {
            let query = index.index.vector(Tokenizer.tokenize(prompt))
            #expect(index.index.nearest(query, k: 5) == index.index.nearest(query, k: 5, exhaustive: true))
        }
    }

    @Test func documentsByLongNormIsAPermutationByDecreasingLongNorm() {
        let postings = index.index
        let order = postings.documentsByLongNorm.map { Int($0) }
        #expect(order.sorted() == Array(0 ..< postings.documentCount))
        #expect(zip(order, order.dropFirst()).allSatisfy { a, b in
            postings.longNorms[a] > postings.longNorms[b] || (postings.longNorms[a] == postings.longNorms[b] && a < b)
        })
    }

    @Test func tooFewPromptsIsAnActionableError() {
        #expect(throws: ReferenceIndexError.tooFewPrompts(path: "<in-memory reference>", count: 1, minimum: 2)) {
            try ReferenceIndex(prompts: ["only one"])
        }
    }

    @Test func emptyAndUnknownPromptsScoreZero() {
        #expect(index.fit(prompt: "").raw == 0)
        #expect(index.fit(prompt: "").calibrated == 0)
        #expect(index.nearest("zzqx", k: 5).isEmpty)
    }
}

@Suite struct HeldOutFitTests {
    @Test("held-out fits: leave-one-out p-values, ties share the top of their group")
    func leaveOneOut() {
        #expect(CalibrationTable(scores: [0.3, 0.1, 0.2, 0.2]).heldOutFits == [0, 2.0 / 3, 2.0 / 3, 1])
        #expect(CalibrationTable(scores: [0.5]).heldOutFits == [1])
        #expect(CalibrationTable(scores: []).heldOutFits.isEmpty)
    }

    @Test("held-out fits survive the index cache")
    func cached() throws {
        let prompts = (0..<60).map { "how do I reset the card pin number \($0) for account \($0 * 7)" }
        let built = try ReferenceIndex(prompts: prompts)
        let fits = built.calibration.heldOutFits
        #expect(fits.count == built.calibration.sortedScores.count && fits.count >= 5)
        #expect(fits == fits.sorted())
        let decoded = try #require(try ReferenceIndex.decode(built.encoded(), options: built.options, cachePath: "x"))
        #expect(decoded.calibration.heldOutFits == fits)
    }
}
