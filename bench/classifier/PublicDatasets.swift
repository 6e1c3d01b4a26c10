import Foundation

/// Finds and reads the public datasets of benchmark parts 1 and 2 under `--data` (searched
/// recursively, so any sub-directory layout works).
///
/// Expected layout (file names matter, directories are matched by name fragment):
/// - CLINC150: a `data_full.json` (in a path containing `clinc` or anywhere) with `train`, `test`,
///   `oos_test` lists of `[text, intent]`.
/// - banking77: `train.csv` and `test.csv` in a directory whose path contains `banking77`, with a
///   `text` column.
/// - GSM8K: `test.jsonl` in a directory whose path contains `gsm8k`, lines with `question`.
/// - MT-Bench: `question.jsonl` in a path containing `mt_bench` or `mt-bench`, lines with `turns`.
struct PublicDatasets {
    static let expectedLayout = """
    CLINC150 <data>/**/data_full.json {train,test,oos_test: [[text,intent]]}; \
    banking77 <data>/**/banking77*/{train,test}.csv (text column); \
    GSM8K <data>/**/gsm8k*/test.jsonl ({"question"}); \
    MT-Bench <data>/**/mt_bench|mt-bench*/question.jsonl ({"turns": [...]})
    """

    let root: String
    private let files: [String]

    init(root: String) {
        self.root = root
        var found: [String] = []
        if let enumerator = FileManager.default.enumerator(atPath: root) {
            while let path = enumerator.nextObject() as? String { found.append(path) }
        }
        files = found.sorted()
    }

    var rootExists: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private func find(_ name: String, pathContains fragments: [String] = []) -> String? {
        files.first { path in
            (path as NSString).lastPathComponent == name
                && (fragments.isEmpty || fragments.contains { path.lowercased().contains($0) })
        }.map { (root as NSString).appendingPathComponent($0) }
    }

    /// CLINC150 splits, or nil when absent. `testOutsideBanking` is the in-scope test rows whose
    /// intent is in neither the `banking` nor the `credit_cards` domain of the `domains.json` next to
    /// `data_full.json` (empty when that file is missing): protocol a2's near-OOD negatives.
    func clinc150() throws -> (train: [String], val: [String], test: [String], outOfScopeVal: [String],
                               outOfScope: [String], testOutsideBanking: [String], path: String)? {
        guard let path = find("data_full.json", pathContains: ["clinc"]) ?? find("data_full.json") else { return nil }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        guard let root = object as? [String: Any] else { throw DatasetError.unexpected(path, "top level is not an object") }
        func rows(_ key: String) throws -> [(text: String, intent: String)] {
            guard let rows = root[key] as? [[Any]] else { throw DatasetError.unexpected(path, "no \"\(key)\" list of [text, intent]") }
            return rows.compactMap { row in (row.first as? String).map { ($0, row.count > 1 ? (row[1] as? String ?? "") : "") } }
        }
        var excluded: Set<String> = []
        let domainsPath = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("domains.json")
        if let data = FileManager.default.contents(atPath: domainsPath),
           let domains = try JSONSerialization.jsonObject(with: data) as? [String: [String]] {
            excluded = Set((domains["banking"] ?? []) + (domains["credit_cards"] ?? []))
        }
        let test = try rows("test")
        return (try rows("train").map(\.text), try rows("val").map(\.text), test.map(\.text),
                try rows("oos_val").map(\.text), try rows("oos_test").map(\.text),
                excluded.isEmpty ? [] : test.filter { !excluded.contains($0.intent) }.map(\.text), path)
    }

    /// banking77 train and test texts, or nil when absent.
    func banking77() throws -> (train: [String], test: [String], path: String)? {
        guard let train = find("train.csv", pathContains: ["banking77", "banking"]),
              let test = find("test.csv", pathContains: ["banking77", "banking"]) else { return nil }
        return (try CSVReader.column("text", path: train), try CSVReader.column("text", path: test), train)
    }

    /// GSM8K test questions, or nil when absent.
    func gsm8k() throws -> (questions: [String], path: String)? {
        guard let path = find("test.jsonl", pathContains: ["gsm8k"]) else { return nil }
        return (try jsonLines(path).compactMap { $0["question"] as? String }, path)
    }

    /// MT-Bench first turns, or nil when absent.
    func mtBench() throws -> (questions: [String], path: String)? {
        guard let path = find("question.jsonl", pathContains: ["mt_bench", "mt-bench"]) else { return nil }
        return (try jsonLines(path).compactMap { ($0["turns"] as? [String])?.first }, path)
    }

    private func jsonLines(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }
}
