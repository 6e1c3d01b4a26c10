/// What `triage calibrate` aims for.
public enum CalibrationTarget: Sendable, Equatable, Codable {
    /// At most this share of requests remote (0...1).
    case remoteShare(Double)
    /// At least this share of the all-remote quality (0...1), as RouteLLM's quality targets.
    case quality(Double)

    enum CodingKeys: String, CodingKey {
        case remoteShare = "remote_share"
        case quality
    }

    /// Encoded as `{"remote_share": X}` or `{"quality": Q}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .remoteShare(let share): try container.encode(share, forKey: .remoteShare)
        case .quality(let level): try container.encode(level, forKey: .quality)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let share = try container.decodeIfPresent(Double.self, forKey: .remoteShare) {
            self = .remoteShare(share)
        } else {
            self = .quality(try container.decode(Double.self, forKey: .quality))
        }
    }
}

/// One pair of thresholds and what it gives on the labelled samples.
public struct CalibrationPoint: Sendable, Equatable, Codable {
    /// `auto.min_fit`.
    public var minFit: Double
    /// `auto.max_complexity`.
    public var maxComplexity: Double
    /// Share of samples sent remote.
    public var remoteShare: Double
    /// Share of samples answered well by the model they are routed to.
    public var quality: Double
    /// `quality` over the all-remote quality.
    public var relativeQuality: Double
    /// Share of the all-local → all-remote quality gap recovered (RouteLLM's PGR); `nil` when
    /// the remote model is not better on these samples.
    public var gapRecovered: Double?
    /// Cost of the samples at the backends' prices.
    public var costUSD: Double
    /// `costUSD` over the all-remote cost (`nil` when that is 0).
    public var relativeCost: Double?

    enum CodingKeys: String, CodingKey {
        case quality
        case minFit = "min_fit"
        case maxComplexity = "max_complexity"
        case remoteShare = "remote_share"
        case relativeQuality = "relative_quality"
        case gapRecovered = "gap_recovered"
        case costUSD = "cost_usd"
        case relativeCost = "relative_cost"
    }
}

/// The result of a calibration: the chosen thresholds, the curve they were chosen from, and the
/// reference points.
public struct Calibration: Sendable, Equatable, Codable {
    /// Samples used.
    public var samples: Int
    /// Samples the local model answers well / the remote model answers well.
    public var localCorrect: Int
    public var remoteCorrect: Int
    /// The target.
    public var target: CalibrationTarget
    /// Whether the fit score took part (the config has a reference); without it only
    /// `max_complexity` is chosen and `min_fit` stays as configured.
    public var fitScored: Bool
    /// The chosen thresholds; `nil` when no pair meets the target.
    public var chosen: CalibrationPoint?
    /// The config's current thresholds on the same samples.
    public var current: CalibrationPoint
    /// Everything local / everything remote.
    public var allLocal: CalibrationPoint
    public var allRemote: CalibrationPoint
    /// The best quality at each remote share up to 0%, 5%, ..., 100% (the Pareto front of all
    /// pairs tried, thinned), the chosen point included.
    public var curve: [CalibrationPoint]
    /// Smallest remote share that recovers 50% / 80% of the quality gap (RouteLLM's CPT, on these
    /// samples, in-sample).
    public var cpt50: Double?
    public var cpt80: Double?
    /// Pairs of thresholds evaluated.
    public var pairsTried: Int

    enum CodingKeys: String, CodingKey {
        case samples, target, chosen, current, curve
        case localCorrect = "local_correct"
        case remoteCorrect = "remote_correct"
        case fitScored = "fit_scored"
        case allLocal = "all_local"
        case allRemote = "all_remote"
        case cpt50 = "cpt_50"
        case cpt80 = "cpt_80"
        case pairsTried = "pairs_tried"
    }
}
