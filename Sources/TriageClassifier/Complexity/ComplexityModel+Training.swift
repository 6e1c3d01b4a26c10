import Foundation
import TriageHashing

extension ComplexityModel {
    /// Fits a model on `examples` and reports held-out metrics.
    ///
    /// Deterministic: a fixed held-out split (the `heldOutFraction` of examples with the smallest
    /// FNV-1a hash of their prompt text, at least one when there are ≥ 5 examples), zero initial
    /// weights, and mini-batch gradient descent on the L2-regularised log loss of each example's
    /// ``LabeledPrompt/target`` with batches shuffled by ``SplitMix64`` seeded from `options.seed`.
    /// Dense features are standardised with the training split's means and standard deviations.
    /// Then Platt scaling: a slope and intercept on the logit, fitted (Newton's method) to the
    /// training split's 0/1 labels, so the probability estimates P(label = 1) whatever the target.
    /// - Throws: ``ComplexityModelError/insufficientLabels(positives:negatives:)`` unless the training
    ///   split holds both labels.
    public static func train(examples: [LabeledPrompt], options: TrainingOptions = TrainingOptions())
        throws(ComplexityModelError) -> (model: ComplexityModel, metrics: TrainingMetrics) {
        let hashBits = min(max(options.hashBits, 4), 24)
        let ranked = examples.indices.sorted {
            let a = FNV1a.hash64(examples[$0].prompt), b = FNV1a.hash64(examples[$1].prompt)
            return a != b ? a < b : $0 < $1
        }
        let heldOutCount = examples.count >= 5
            ? min(max(Int((Double(examples.count) * min(max(options.heldOutFraction, 0), 0.9)).rounded()), 1), examples.count - 2)
            : 0
        let heldOut = Set(ranked.prefix(heldOutCount))
        let trainIndices = examples.indices.filter { !heldOut.contains($0) }
        let testIndices = examples.indices.filter { heldOut.contains($0) }
        let positives = trainIndices.filter { examples[$0].label == 1 }.count
        guard positives > 0, positives < trainIndices.count else {
            throw .insufficientLabels(positives: positives, negatives: trainIndices.count - positives)
        }

        var names: [UInt32: [String: Int]] = [:]
        let features = examples.map { example -> ComplexityFeatures in
            let tokens = Tokenizer.tokenize(example.prompt)
            recordNames(tokens, hashBits: hashBits, into: &names)
            return ComplexityFeatures(prompt: example.prompt, tokens: tokens, messageCount: example.messageCount,
                                      hashBits: hashBits)
        }
        let denseCount = ComplexityFeatures.names.count
        var means = [Double](repeating: 0, count: denseCount)
        var stds = [Double](repeating: 0, count: denseCount)
        for i in trainIndices { for f in 0 ..< denseCount { means[f] += features[i].dense[f] } }
        for f in 0 ..< denseCount { means[f] /= Double(trainIndices.count) }
        for i in trainIndices { for f in 0 ..< denseCount { stds[f] += pow(features[i].dense[f] - means[f], 2) } }
        for f in 0 ..< denseCount { stds[f] = max((stds[f] / Double(trainIndices.count)).squareRoot(), 1e-6) }
        let standardized = features.map { feature in (0 ..< denseCount).map { (feature.dense[$0] - means[$0]) / stds[$0] } }

        var dense = [Double](repeating: 0, count: denseCount)
        var hashed = [Double](repeating: 0, count: 1 << hashBits)
        var gradHashed = [Double](repeating: 0, count: 1 << hashBits)
        var touched: [Int] = []
        var isTouched = [Bool](repeating: false, count: 1 << hashBits)
        var nonZero: [Int] = []         // buckets whose weight is (or was) non-zero, in first-touch order
        var isNonZero = [Bool](repeating: false, count: 1 << hashBits)
        var bias = 0.0
        var random = SplitMix64(seed: options.seed)
        var order = trainIndices
        let batchSize = max(options.batchSize, 1)
        for epoch in 0 ..< max(options.epochs, 1) {
            random.shuffle(&order)
            let rate = options.learningRate / (1 + Double(epoch) / 50)
            var start = 0
            while start < order.count {
                let batch = order[start ..< min(start + batchSize, order.count)]
                start += batchSize
                var gradDense = [Double](repeating: 0, count: denseCount)
                var gradBias = 0.0
                for i in batch {
                    var logit = bias
                    for f in 0 ..< denseCount { logit += dense[f] * standardized[i][f] }
                    let ngrams = features[i].ngrams
                    for j in 0 ..< ngrams.count { logit += hashed[Int(ngrams.indices[j])] * Double(ngrams.values[j]) }
                    let error = sigmoid(logit) - examples[i].target
                    gradBias += error
                    for f in 0 ..< denseCount { gradDense[f] += error * standardized[i][f] }
                    for j in 0 ..< ngrams.count {
                        let bucket = Int(ngrams.indices[j])
                        if !isTouched[bucket] { isTouched[bucket] = true; touched.append(bucket) }
                        gradHashed[bucket] += error * Double(ngrams.values[j])
                    }
                }
                let scale = rate / Double(batch.count)
                let decay = 1 - rate * options.l2
                let ngramDecay = max(1 - rate * (options.ngramL2 ?? options.l2), 0)
                bias -= scale * gradBias
                for f in 0 ..< denseCount { dense[f] = dense[f] * decay - scale * gradDense[f] }
                // Decay every non-zero hashed weight, then apply the (sparse) gradient.
                for b in nonZero { hashed[b] *= ngramDecay }
                for bucket in touched {
                    hashed[bucket] -= scale * gradHashed[bucket]
                    gradHashed[bucket] = 0
                    isTouched[bucket] = false
                    if !isNonZero[bucket] { isNonZero[bucket] = true; nonZero.append(bucket) }
                }
                touched.removeAll(keepingCapacity: true)
            }
        }

        var ngramNames: [UInt32: String] = [:]
        for (bucket, counts) in names where hashed[Int(bucket)] != 0 {
            ngramNames[bucket] = counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
        }
        let uncalibrated = ComplexityModel(means: means, stds: stds, denseWeights: dense, hashBits: hashBits,
                                           hashedWeights: hashed, bias: bias, ngramNames: ngramNames)
        let (slope, intercept) = plattScaling(logits: trainIndices.map { uncalibrated.score(features[$0]).logit },
                                              labels: trainIndices.map { examples[$0].label })
        let draft = ComplexityModel(means: means, stds: stds, denseWeights: dense, hashBits: hashBits,
                                    hashedWeights: hashed, bias: bias, ngramNames: ngramNames,
                                    calibrationSlope: slope, calibrationIntercept: intercept)
        let trainAccuracy = Double(trainIndices.filter {
            (draft.score(features[$0]).probability >= 0.5 ? 1 : 0) == examples[$0].label
        }.count) / Double(trainIndices.count)
        let metrics = TrainingMetrics.evaluate(
            probabilities: testIndices.map { draft.score(features[$0]).probability },
            labels: testIndices.map { examples[$0].label }, trainCount: trainIndices.count, trainAccuracy: trainAccuracy)
        let model = ComplexityModel(means: means, stds: stds, denseWeights: dense, hashBits: hashBits,
                                    hashedWeights: hashed, bias: bias, ngramNames: ngramNames,
                                    calibrationSlope: slope, calibrationIntercept: intercept, metrics: metrics,
                                    source: options.source,
                                    trainedAt: ISO8601DateFormatter().string(from: Date()))
        return (model, metrics)
    }

    /// Platt scaling: `(a, b)` minimising the log loss of `sigmoid(a · logit + b)` against `labels`
    /// (Newton's method with a small ridge, 50 steps at most; (1, 0) when a label is missing).
    static func plattScaling(logits: [Double], labels: [Int]) -> (slope: Double, intercept: Double) {
        let positives = labels.reduce(0, +)
        guard positives > 0, positives < labels.count else { return (1, 0) }
        var a = 1.0, b = 0.0
        for _ in 0 ..< 50 {
            var ga = 0.0, gb = 0.0, haa = 1e-6, hab = 0.0, hbb = 1e-6
            for (z, y) in zip(logits, labels) {
                let p = sigmoid(a * z + b)
                let e = p - Double(y), w = max(p * (1 - p), 1e-12)
                ga += e * z; gb += e
                haa += w * z * z; hab += w * z; hbb += w
            }
            let det = haa * hbb - hab * hab
            guard det > 0 else { break }
            let da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det
            a -= da
            b -= db
            if abs(da) < 1e-10 && abs(db) < 1e-10 { break }
        }
        return (a, b)
    }

    /// Counts the n-gram texts of each bucket (to name hashed features in explanations).
    private static func recordNames(_ tokens: TokenizedPrompt, hashBits: Int, into names: inout [UInt32: [String: Int]]) {
        let mask = UInt64((1 << hashBits) - 1)
        let words = (0 ..< tokens.wordCount).map { tokens.word($0) }
        for w in words.indices {
            names[FeatureHashing.bucket(FeatureHashing.unigram(tokens.wordHashes[w]), mask: mask), default: [:]][words[w], default: 0] += 1
            if w > 0 {
                let bucket = FeatureHashing.bucket(FeatureHashing.bigram(tokens.wordHashes[w - 1], tokens.wordHashes[w]), mask: mask)
                names[bucket, default: [:]][words[w - 1] + " " + words[w], default: 0] += 1
            }
        }
    }
}
