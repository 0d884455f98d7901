import Synchronization

/// The demo service's drill settings, changeable while it runs.
public struct DemoKnobs: Sendable, Equatable, Codable {
    /// Fraction of `/score` requests that fail with 500, 0...1.
    public var errorRate: Double
    /// Median added latency of `/score`, in milliseconds.
    public var latencyMs: Double

    public init(errorRate: Double = 0.0005, latencyMs: Double = 120) {
        self.errorRate = errorRate
        self.latencyMs = latencyMs
    }

    enum CodingKeys: String, CodingKey {
        case errorRate = "error_rate"
        case latencyMs = "latency_ms"
    }

    /// Nil when valid, else what is wrong, in the flag or field's own words.
    public var problem: String? {
        if !(0...1).contains(errorRate) { return "error_rate must be between 0 and 1, got \(errorRate)" }
        if !(0...60_000).contains(latencyMs) { return "latency_ms must be between 0 and 60000, got \(latencyMs)" }
        return nil
    }
}
