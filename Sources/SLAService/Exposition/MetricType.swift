/// The metric types the two formats know. `unknown` is OpenMetrics' name for 0.0.4's `untyped`.
public enum MetricType: String, Sendable, Codable, CaseIterable {
    case counter, gauge, histogram, gaugehistogram, summary, info, stateset, unknown
}
