import Foundation
import TriageJSON

extension ComplexityModel {
    /// Writes the weights as JSON (version, feature names, means, stds, dense weights, non-zero
    /// hashed weights with their n-gram names, bias, dimension, metrics, date), atomically.
    /// - Throws: ``ComplexityModelError/cannotWrite(path:reason:)``.
    public func save(to path: String) throws(ComplexityModelError) {
        let file = ComplexityWeightsFile(
            version: ComplexityWeightsFile.currentVersion, kind: ComplexityWeightsFile.modelKind,
            note: "Logistic regression; logit = bias + Σ denseWeights·(x − means)/stds + Σ hashedWeights·ngram; probability = sigmoid(calibration.slope · logit + calibration.intercept). Re-train with `triage train --labels FILE.jsonl`.",
            source: source, trainedAt: trainedAt, featureNames: ComplexityFeatures.names,
            means: means, stds: stds, denseWeights: denseWeights, bias: bias,
            calibration: .init(slope: calibrationSlope, intercept: calibrationIntercept), hashBits: hashBits,
            hashDimension: 1 << hashBits,
            hashedWeights: hashedWeights.indices.compactMap { i in
                hashedWeights[i] == 0 ? nil : .init(index: UInt32(i), weight: hashedWeights[i], name: ngramNames[UInt32(i)])
            },
            metrics: metrics)
        do {
            try Data(JSONCoding.encode(file, pretty: true)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .cannotWrite(path: path, reason: error.localizedDescription)
        }
    }

    /// Reads a weights file written by ``save(to:)``.
    /// - Throws: ``ComplexityModelError/cannotRead(path:reason:)`` or ``ComplexityModelError/invalidWeights(path:reason:)``
    ///   (wrong version, feature names of another version, inconsistent sizes).
    public static func load(from path: String) throws(ComplexityModelError) -> ComplexityModel {
        let data = try JSONLines.read(path: path) { ComplexityModelError.cannotRead(path: path, reason: $0) }
        return try decode(data, path: path)
    }

    /// The default weights shipped in the package (`Resources/complexity-default.json`), trained by
    /// ``train(examples:options:)`` on RouteLLM's public outcome labels for MMLU (40 subjects) and
    /// GSM8K (`make weights`; see `Resources/ATTRIBUTION.md`). Users should train on their own labels.
    public static func bundledDefault() throws(ComplexityModelError) -> ComplexityModel {
        guard let path = resourcePath("complexity-default.json") else { throw .missingDefaultWeights }
        return try load(from: path)
    }

    /// The path of the 140 hand-written seed labels (a test fixture; the default weights are not trained on them).
    public static var bundledSeedPath: String? {
        resourcePath("complexity-seed.jsonl")
    }

    /// Finds a file of this target's resource bundle (`triage_TriageClassifier.resources`, which
    /// SwiftPM puts beside the executable). Looked up by hand rather than through `Bundle.module`,
    /// whose generated accessor stops the process when the bundle is missing (say, a binary
    /// copied without it): here that is an error the caller reports.
    static func resourcePath(_ name: String) -> String? {
        let bundleName = "triage_TriageClassifier.resources"
        let executableDirectory = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
            .resolvingSymlinksInPath().deletingLastPathComponent()
        let directories = [executableDirectory, Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        for directory in directories {
            for subpath in ["\(bundleName)/Resources/\(name)", "\(bundleName)/\(name)"] {
                let candidate = directory.appendingPathComponent(subpath).path
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    static func decode(_ data: Data, path: String) throws(ComplexityModelError) -> ComplexityModel {
        let file: ComplexityWeightsFile
        do {
            file = try JSONCoding.decode(ComplexityWeightsFile.self, from: Array(data))
        } catch {
            throw .invalidWeights(path: path, reason: "not a weights JSON document (\(error))")
        }
        guard file.version == ComplexityWeightsFile.currentVersion else {
            let hint = file.version < ComplexityWeightsFile.currentVersion
                ? " (written by an older Triage, whose features differ; retrain on the same labels)" : " (written by a newer Triage)"
            throw .invalidWeights(path: path, reason: "version \(file.version), expected \(ComplexityWeightsFile.currentVersion)\(hint)")
        }
        guard file.featureNames == ComplexityFeatures.names else {
            throw .invalidWeights(path: path, reason: "its features \(file.featureNames) differ from this version's \(ComplexityFeatures.names)")
        }
        let count = ComplexityFeatures.names.count
        guard file.means.count == count, file.stds.count == count, file.denseWeights.count == count,
              file.stds.allSatisfy({ $0 > 0 }), (4 ... 24).contains(file.hashBits),
              file.hashDimension == 1 << file.hashBits else {
            throw .invalidWeights(path: path, reason: "sizes do not match \(count) dense features and 2^hashBits buckets")
        }
        var hashed = [Double](repeating: 0, count: file.hashDimension)
        var names: [UInt32: String] = [:]
        for entry in file.hashedWeights {
            guard Int(entry.index) < file.hashDimension else {
                throw .invalidWeights(path: path, reason: "hashed weight index \(entry.index) ≥ dimension \(file.hashDimension)")
            }
            hashed[Int(entry.index)] = entry.weight
            if let name = entry.name { names[entry.index] = name }
        }
        return ComplexityModel(means: file.means, stds: file.stds, denseWeights: file.denseWeights,
                               hashBits: file.hashBits, hashedWeights: hashed, bias: file.bias, ngramNames: names,
                               calibrationSlope: file.calibration?.slope ?? 1,
                               calibrationIntercept: file.calibration?.intercept ?? 0,
                               metrics: file.metrics, source: file.source, trainedAt: file.trainedAt)
    }
}
