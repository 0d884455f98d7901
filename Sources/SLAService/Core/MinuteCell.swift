/// One series' samples in one minute; `count` 0: none yet.
public struct MinuteCell: Sendable {
    public var increase: Double?
    public var min = Double.infinity
    public var max = -Double.infinity
    public var sum = 0.0
    public var count = 0
    public var last = 0.0
    public var lastTimestamp: Int64 = .min

    @inlinable
    public init() {}

    /// What a row of a series of `kind` keeps: increases for counters, statistics for gauges.
    public func kept(_ kind: SeriesKind) -> (increase: Double?, min: Double?, max: Double?, sum: Double?) {
        let gauge = kind.keepsGaugeStatistics
        return (kind.countsIncreases ? increase : nil, gauge ? min : nil, gauge ? max : nil, gauge ? sum : nil)
    }

    @inlinable
    public mutating func fold(_ value: Double, increase added: Double?, at ms: Int64, gauge: Bool) {
        if let added { increase = (increase ?? 0) + added }
        if gauge {
            min = Swift.min(min, value)
            max = Swift.max(max, value)
            sum += value
        }
        count += 1
        if ms >= lastTimestamp {
            last = value
            lastTimestamp = ms
        }
    }
}
