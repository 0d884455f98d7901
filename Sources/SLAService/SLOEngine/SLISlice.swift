import Foundation

/// One minute of an SLI: good and total events in it (requests, probe checks). A minute with no
/// events is no-data: neither good nor bad, and it uses no budget.
public struct SLISlice: Sendable, Equatable {
    /// Start of the minute, milliseconds since the epoch.
    public var start: Int64
    public var good: Double
    public var total: Double

    public init(start: Int64, good: Double, total: Double) {
        self.start = start
        self.good = good
        self.total = total
    }

    /// Good over total; nil for no-data.
    public var ratio: Double? { total > 0 ? min(1, max(0, good / total)) : nil }
}
