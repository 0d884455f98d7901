import Foundation

/// How good events are told from bad ones.
public enum SLIDefinition: Sendable, Equatable {
    /// Good (or bad) events over total events, both counter selections.
    case ratio(good: String?, bad: String?, total: String)
    /// Events at or below a latency bound (in the histogram's unit), from a histogram;
    /// `percentile` states the promise, e.g. 50 for "median below 250 ms".
    case latency(histogram: String, percentile: Decimal?, below: Double)
    /// The service's uptime probes.
    case probe
}
