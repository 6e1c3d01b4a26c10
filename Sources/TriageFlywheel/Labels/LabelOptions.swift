import Foundation

/// Inputs of ``LabelExporter``.
public struct LabelOptions: Sendable {
    /// The backends that count as local (the ones the complexity model routes routine traffic to).
    public var localBackends: Set<String>
    /// Request ids whose latest feedback is negative.
    public var negativeIDs: Set<String>
    /// Request ids whose latest feedback is positive.
    public var positiveIDs: Set<String>
    /// A shadow agreement below this labels 1.
    public var disagreementBelow: Double
    /// A shadow agreement at or above this labels 0.
    public var agreementAtLeast: Double
    /// Only records at or after this instant.
    public var since: Date?
    /// Only records before this instant.
    public var until: Date?

    /// Creates options (shadow thresholds 0.5 and 0.8 by default).
    public init(
        localBackends: Set<String>, negativeIDs: Set<String> = [], positiveIDs: Set<String> = [],
        disagreementBelow: Double = 0.5, agreementAtLeast: Double = 0.8, since: Date? = nil, until: Date? = nil
    ) {
        self.localBackends = localBackends
        self.negativeIDs = negativeIDs
        self.positiveIDs = positiveIDs
        self.disagreementBelow = disagreementBelow
        self.agreementAtLeast = agreementAtLeast
        self.since = since
        self.until = until
    }
}
