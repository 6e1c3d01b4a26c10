/// The dashboard at `GET /ui` (`ui: {enabled: false}` turns it and its JSON endpoints off).
public struct UIConfig: Sendable, Equatable {
    /// Whether `/ui`, `/v1/triage/report` and `/v1/triage/requests` are served (default true).
    public var enabled: Bool

    /// Creates a dashboard configuration.
    public init(enabled: Bool = true) {
        self.enabled = enabled
    }
}
