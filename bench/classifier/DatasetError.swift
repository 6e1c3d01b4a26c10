/// A dataset file that exists but does not have the documented shape.
enum DatasetError: Error, CustomStringConvertible {
    case unexpected(String, String)

    var description: String {
        switch self {
        case .unexpected(let path, let reason): return "\(path): \(reason) (see the expected layout in bench/classifier/PublicDatasets.swift)"
        }
    }
}
