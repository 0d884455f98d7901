import Core

/// An OpenMetrics exemplar: a traced example behind a counter or bucket value.
public struct Exemplar: Sendable, Equatable, Codable {
    public var labels: [Label]
    public var value: Double
    /// Seconds since the epoch, if given.
    public var timestamp: Double?
}
