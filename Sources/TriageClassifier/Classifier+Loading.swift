import Foundation

extension Classifier {
    /// Loads the classifier routes.yaml's `auto:` describes: the reference index (cached in
    /// `cacheDirectory` by the file's content) when `referencePath` is set, and the complexity
    /// weights at `complexityWeightsPath` when that file exists, else the bundled defaults.
    public static func load(
        referencePath: String?, cacheDirectory: String?, complexityWeightsPath: String?
    ) throws(ClassifierLoadError) -> Classifier {
        let complexity: ComplexityModel
        do {
            if let path = complexityWeightsPath, FileManager.default.fileExists(atPath: path) {
                complexity = try ComplexityModel.load(from: path)
            } else {
                complexity = try ComplexityModel.bundledDefault()
            }
        } catch {
            throw .complexity(error)
        }
        var reference: ReferenceIndex?
        if let path = referencePath {
            do {
                reference = try ReferenceIndex.load(path: path, cacheDirectory: cacheDirectory)
            } catch {
                throw .reference(error)
            }
        }
        return Classifier(reference: reference, complexity: complexity)
    }
}

/// Why ``Classifier/load(referencePath:cacheDirectory:complexityWeightsPath:)`` failed, named by
/// the routes.yaml field to fix.
public enum ClassifierLoadError: Error, Sendable, CustomStringConvertible {
    case reference(ReferenceIndexError)
    case complexity(ComplexityModelError)

    public var description: String {
        switch self {
        case .reference(let error): return "auto.reference: \(error.description)"
        case .complexity(let error): return "auto.complexity_weights: \(error.description)"
        }
    }
}
