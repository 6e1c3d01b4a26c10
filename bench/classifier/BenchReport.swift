import Foundation

/// Everything the benchmark measured, written as JSON and rendered as Markdown.
struct BenchReport: Codable {
    var date: String
    var host: String
    var loadAverage: String
    var dataDirectory: String
    var speed: SpeedResults
    var synthetic: FitQuality
    var clinc150Val: FitQuality?
    var clinc150: FitQuality?
    var clinc150Skipped: String?
    var banking77: FitQuality?
    var banking77Skipped: String?
    var notes: [String]

    func markdown() -> String {
        var md = "# Classifier benchmark\n\n"
        md += "Date: \(date) · host: \(host) · load average at start: \(loadAverage) · single-threaded (one core)\n\n"
        md += "Command: `swift run -c release triage-classifier-bench --data \(dataDirectory)`\n\n"
        md += "## Part 3 — speed and memory (synthetic \(speed.referenceCount)-prompt banking-like reference)\n\n"
        md += "| measure | value |\n|---|---|\n"
        md += "| index build (in memory, incl. calibration) | \(fmt(speed.buildSeconds * 1000, 0)) ms |\n"
        md += "| load JSONL + build + write cache | \(fmt(speed.loadBuildAndCacheWriteSeconds * 1000, 0)) ms |\n"
        md += "| load from cache | \(fmt(speed.cacheLoadSeconds * 1000, 1)) ms (from cache: \(speed.cacheLoadedFromCache)) |\n"
        md += "| index size (own arrays + texts) | \(mib(speed.indexBytes)) |\n"
        md += "| RSS delta over the build | \(speed.rssDeltaBytes.map(mib) ?? "n/a") |\n\n"
        md += "| prompts | calls | p50 µs | p99 µs | fit p50 µs | complexity p50 µs |\n|---|---|---|---|---|---|\n"
        for l in speed.latencies {
            md += "| \(l.label), est. \(l.estimatedTokens) tokens | \(l.calls) | \(fmt(l.p50, 1)) | \(fmt(l.p99, 1)) | \(fmt(l.fitP50, 1)) | \(fmt(l.complexityP50, 1)) |\n"
        }
        md += "\nCandidate-search approximation vs brute-force top-k (\(speed.approximationQueries) queries): "
        md += "mean |Δ raw| = \(fmt(speed.approximationMeanAbsError, 4)), max = \(fmt(speed.approximationMaxAbsError, 4)), "
        md += "top-1 agreement = \(fmt(speed.approximationTop1Agreement * 100, 1))%\n\n"
        md += "## Distribution-fit quality\n\n"
        md += "| set | reference | in / out | AUROC | FPR@95%TPR | in kept local @min_fit | out escalated @min_fit |\n|---|---|---|---|---|---|---|\n"
        for quality in [synthetic, clinc150Val, clinc150, banking77].compactMap({ $0 }) {
            md += "| \(quality.name) | \(quality.referenceCount) | \(quality.inCount) / \(quality.outCount) | "
            md += "\(quality.auroc.map { fmt($0, 3) } ?? "n/a") | \(quality.fpr95.map { fmt($0, 3) } ?? "n/a") | "
            md += "\(fmt(quality.inKeptLocal * 100, 1))% | \(fmt(quality.outEscalated * 100, 1))% |\n"
            for source in quality.perSource {
                md += "| ↳ vs \(source.name) | | \(quality.inCount) / \(source.count) | "
                md += "\(source.auroc.map { fmt($0, 3) } ?? "n/a") | \(source.fpr95.map { fmt($0, 3) } ?? "n/a") | | |\n"
            }
        }
        md += "\n"
        if let skipped = clinc150Skipped { md += "- Part 1 (CLINC150): \(skipped)\n" }
        if let skipped = banking77Skipped { md += "- Part 2 (banking77 cross-dataset): \(skipped)\n" }
        for note in notes { md += "- \(note)\n" }
        return md
    }

    private func fmt(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    private func mib(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}
