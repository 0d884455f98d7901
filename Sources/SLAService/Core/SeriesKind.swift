import Foundation

/// How a series' samples are folded into minutes.
public enum SeriesKind: String, Sendable, Codable, CaseIterable {
    /// Reset-aware increases.
    case counter
    /// Min, max, sum, count and last.
    case gauge
    /// A histogram bucket (`le` label): a counter, kept apart so queries can find buckets.
    case histogramBucket = "histogram_bucket"
    /// Type unknown (e.g. from `/federate`): both increases and gauge statistics are kept.
    case untyped

    /// Whether increases are computed for this kind.
    package var countsIncreases: Bool { self != .gauge }
    /// Whether min/max/sum/count are kept for this kind.
    package var keepsGaugeStatistics: Bool { self == .gauge || self == .untyped }
}
