import Foundation
import TriageConfig
import TriageJSON
import TriagePrivacy

// Precision, recall and speed of the privacy detectors on labelled prompts (bench/privacy/generate.py).
//
// Usage: triage-privacy-bench [data.jsonl] [results.json]
// Each input line: {"text": "...", "entities": [{"type": "card", "value": "4111 ..."}]}. A finding
// counts as a true positive when its type is labelled and its text overlaps a labelled value of
// that type; otherwise a false positive. A labelled value no finding of its type overlaps is a
// false negative.

let arguments = CommandLine.arguments
let input = arguments.count > 1 ? arguments[1] : ".build/privacy/prompts.jsonl"
let output = arguments.count > 2 ? arguments[2] : "bench/results/privacy.json"

guard let data = FileManager.default.contents(atPath: input) else {
    FileHandle.standardError.write(Data("cannot read \(input); run python3 bench/privacy/generate.py first\n".utf8))
    exit(1)
}
struct Sample {
    var text: String
    var entities: [(type: SensitiveType, range: Range<Int>)]
}
var samples: [Sample] = []
for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
    guard let value = try? JSONParser.parse(Array(line)), let text = value["text"]?.stringValue else { continue }
    var entities: [(SensitiveType, Range<Int>)] = []
    if case .array(let items)? = value["entities"] {
        for item in items {
            guard let type = item["type"]?.stringValue, case .number(let start)? = item["start"], case .number(let end)? = item["end"] else { continue }
            entities.append((SensitiveType(rawValue: type), Int(start)..<Int(end)))
        }
    }
    samples.append(Sample(text: text, entities: entities))
}

let scanner = SensitiveScanner()
let limit = Int(ProcessInfo.processInfo.environment["EXAMPLES"] ?? "") ?? 3
var truePositives: [SensitiveType: Int] = [:]
var falsePositives: [SensitiveType: Int] = [:]
var falseNegatives: [SensitiveType: Int] = [:]
var examplesFP: [SensitiveType: [String]] = [:]
var examplesFN: [SensitiveType: [String]] = [:]
for sample in samples {
    let findings = scanner.scan(sample.text)
    let bytes = Array(sample.text.utf8)
    for finding in findings {
        if sample.entities.contains(where: { $0.type == finding.type && $0.range.overlaps(finding.range) }) {
            truePositives[finding.type, default: 0] += 1
        } else {
            falsePositives[finding.type, default: 0] += 1
            if examplesFP[finding.type, default: []].count < limit { examplesFP[finding.type, default: []].append(String(decoding: bytes[finding.range], as: UTF8.self)) }
        }
    }
    for entity in sample.entities where !findings.contains(where: { $0.type == entity.type && $0.range.overlaps(entity.range) }) {
        falseNegatives[entity.type, default: 0] += 1
        if examplesFN[entity.type, default: []].count < limit { examplesFN[entity.type, default: []].append(String(decoding: bytes[entity.range], as: UTF8.self)) }
    }
}

// Speed: best of 5 rounds over each set of prompts (microseconds per prompt).
var sink = 0

/// Best-of-5 microseconds per scan of `texts` with `scanner`.
@MainActor func micros(_ texts: [String], _ scanner: SensitiveScanner, rounds: Int = 5) -> Double {
    guard !texts.isEmpty else { return 0 }
    var best = Double.infinity
    for _ in 0..<rounds {
        let start = ContinuousClock.now
        for text in texts { sink &+= scanner.scan(text).count }
        let elapsed = ContinuousClock.now - start
        best = min(best, (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * 1e6 / Double(texts.count))
    }
    return best
}
// Per type: the scan time of the prompts that carry a value of that type (all detectors run on every prompt).
var microsByType: [SensitiveType: Double] = [:]
for type in SensitiveType.builtIn {
    microsByType[type] = micros(samples.filter { $0.entities.contains { $0.type == type } }.map(\.text), scanner)
}
let overall = micros(samples.map(\.text), scanner)
let negatives = micros(samples.filter(\.entities.isEmpty).map(\.text), scanner)
// A long prompt (about 8 KiB of the samples joined), and the cost of one user-defined pattern.
var long = ""
for sample in samples where long.utf8.count < 8192 { long += sample.text + "\n" }
let longMicros = micros([long], scanner, rounds: 50)
let patterned = SensitiveScanner(patterns: [.init(name: "patient_id", regex: try MessagePattern("PAT-[0-9]{6}"))])
let patternMicros = micros(samples.map(\.text), patterned)
let averageBytes = Double(samples.reduce(0) { $0 + $1.text.utf8.count }) / Double(max(samples.count, 1))

var rows: [String: JSONValue] = [:]
print("type          precision  recall   TP    FP    FN   us/prompt")
for type in SensitiveType.builtIn {
    let tp = truePositives[type, default: 0], fp = falsePositives[type, default: 0], fn = falseNegatives[type, default: 0]
    let precision = tp + fp == 0 ? 1 : Double(tp) / Double(tp + fp)
    let recall = tp + fn == 0 ? 1 : Double(tp) / Double(tp + fn)
    print(type.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0), String(format: "%6.3f   %6.3f  %5d %5d %5d   %6.2f", precision, recall, tp, fp, fn, microsByType[type] ?? 0))
    if !(examplesFP[type] ?? []).isEmpty { print("    false positives e.g.", examplesFP[type] ?? []) }
    if !(examplesFN[type] ?? []).isEmpty { print("    missed e.g.", examplesFN[type] ?? []) }
    rows[type.rawValue] = .object([
        "precision": .number(precision), "recall": .number(recall),
        "tp": .number(Double(tp)), "fp": .number(Double(fp)), "fn": .number(Double(fn)),
        "us_per_prompt": .number(microsByType[type] ?? 0),
    ])
}
print(String(format: "%d prompts, %.0f bytes on average: %.2f us per prompt (best of 5); without PII (hard negatives only): %.2f us", samples.count, averageBytes, overall, negatives))
print(String(format: "one %d-byte prompt: %.1f us; all prompts with one user pattern (NSRegularExpression) added: %.2f us per prompt", long.utf8.count, longMicros, patternMicros))
let result = JSONValue.object([
    "prompts": .number(Double(samples.count)), "average_bytes": .number(averageBytes),
    "us_per_prompt": .number(overall), "us_per_prompt_without_pii": .number(negatives), "types": .object(rows),
    "long_prompt_bytes": .number(Double(long.utf8.count)), "long_prompt_us": .number(longMicros),
    "us_per_prompt_with_one_pattern": .number(patternMicros),
])
let directory = URL(fileURLWithPath: output).deletingLastPathComponent().path
try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
guard FileManager.default.createFile(atPath: output, contents: Data(result.jsonBytes + [UInt8(ascii: "\n")])) else {
    FileHandle.standardError.write(Data("cannot write \(output)\n".utf8))
    exit(1)
}
print("written to \(output)")
print("(\(sink) findings over all timing rounds)")
