import Foundation
import TriageJSON

extension Calibration {
    /// The calibration as text: the target, the curve, the chosen and current points.
    public func render(source: String) -> String {
        var out: [String] = []
        out.append("calibration from \(source): \(samples) labelled prompts, local model right on \(Self.percent(Double(localCorrect) / Double(samples))), remote on \(Self.percent(Double(remoteCorrect) / Double(samples)))")
        if !fitScored { out.append("  no auto.reference: fit is not scored, only max_complexity is chosen (min_fit stays as configured)") }
        switch target {
        case .remoteShare(let share): out.append("target: at most \(Self.percent(share)) of requests remote, the best quality under it")
        case .quality(let level): out.append("target: at least \(Self.percent(level)) of the all-remote quality, the fewest remote requests for it")
        }
        out.append("")
        out.append("curve (best quality at each remote share; \(pairsTried) threshold pairs tried):")
        out.append("    min_fit  max_complexity   remote   quality  vs all-remote  gap recovered  cost vs all-remote")
        for point in curve {
            out.append((point == chosen ? "  * " : "    ") + Self.row(point))
        }
        out.append("")
        let current = "current (min_fit \(Self.decimals(self.current.minFit)), max_complexity \(Self.decimals(self.current.maxComplexity)))"
        let width = current.count + 2
        for (label, point) in [("all local", allLocal), ("all remote", allRemote), (current, self.current)] {
            out.append("  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + Self.summary(point))
        }
        let cpt = [cpt50.map { "CPT(50%) \(Self.percent($0)) remote" }, cpt80.map { "CPT(80%) \(Self.percent($0)) remote" }].compactMap { $0 }
        if !cpt.isEmpty { out.append("  " + cpt.joined(separator: ", ") + " (on these labels)") }
        out.append("")
        if let chosen {
            out.append("chosen: min_fit \(Self.decimals(chosen.minFit)), max_complexity \(Self.decimals(chosen.maxComplexity))")
            out.append("  expected: " + Self.summary(chosen))
        } else {
            out.append("no thresholds meet the target on these samples (the closest: all remote, \(Self.summary(allRemote)))")
        }
        return out.joined(separator: "\n")
    }

    static func row(_ point: CalibrationPoint) -> String {
        Self.decimals(point.minFit).leftPadded(7) + Self.decimals(point.maxComplexity).leftPadded(16)
            + percent(point.remoteShare).leftPadded(9) + percent(point.quality).leftPadded(10)
            + percent(point.relativeQuality).leftPadded(15) + (point.gapRecovered.map(percent) ?? "-").leftPadded(15)
            + (point.relativeCost.map(percent) ?? "-").leftPadded(20)
    }

    static func summary(_ point: CalibrationPoint) -> String {
        "remote \(percent(point.remoteShare)), quality \(percent(point.quality)) (\(percent(point.relativeQuality)) of all-remote"
            + (point.gapRecovered.map { ", gap recovered \(percent($0))" } ?? "") + "), cost "
            + (point.relativeCost.map { "\(percent($0)) of all-remote" } ?? String(format: "$%.4f", point.costUSD))
    }

    static func percent(_ share: Double) -> String { String(format: "%.1f%%", 100 * share) }

    /// A threshold as written to routes.yaml: up to 4 decimals, no trailing zeros.
    public static func decimals(_ value: Double) -> String {
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0"), !text.hasSuffix(".0") { text.removeLast() }
        return text
    }

    /// The calibration as JSON (snake_case keys, sorted), one line.
    public func json() -> Data {
        Data((try? JSONCoding.encode(self)) ?? JSONValue.object([:]).jsonBytes)
    }
}
