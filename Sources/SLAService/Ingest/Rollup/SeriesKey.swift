import Crypto
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
    var countsIncreases: Bool { self != .gauge }
    /// Whether min/max/sum/count are kept for this kind.
    var keepsGaugeStatistics: Bool { self == .gauge || self == .untyped }
}

/// One series: metric name, labels sorted by name, and how it is folded.
public struct SeriesKey: Sendable, Hashable, Codable {
    public var metric: String
    public var labels: [Label]
    public var kind: SeriesKind

    public init(metric: String, labels: [Label], kind: SeriesKind) {
        self.metric = metric
        self.labels = labels.sorted { $0.name < $1.name }
        self.kind = kind
    }

    /// `metric{a="1",b="2"}` with values escaped as the text format does; unique per series.
    public var canonical: String {
        var out = metric + "{"
        for (i, label) in labels.enumerated() {
            if i > 0 { out += "," }
            out += label.name + "=\""
            for c in label.value.unicodeScalars {
                switch c {
                case "\\": out += "\\\\"
                case "\"": out += "\\\""
                case "\n": out += "\\n"
                default: out.unicodeScalars.append(c)
                }
            }
            out += "\""
        }
        return out + "}"
    }

    /// SHA-256 of the canonical form: the `series.hash` key in PostgreSQL.
    public var hash: [UInt8] { Array(SHA256.hash(data: Array(canonical.utf8))) }
}
