/// One closed minute of one series: what the rollups store.
public struct MinuteRow: Sendable, Equatable, Codable {
    public var series: SeriesKey
    /// Start of the minute, milliseconds since the epoch.
    public var minute: Int64
    /// Sum of increases in the minute; nil when the minute held only a baseline.
    public var increase: Double?
    public var min: Double?
    public var max: Double?
    public var sum: Double?
    /// Samples seen in the minute.
    public var count: Int
    /// The last raw value and its timestamp, so a restart can resume the baseline.
    public var last: Double
    public var lastTimestamp: Int64

    public init(
        series: SeriesKey, minute: Int64, increase: Double? = nil, min: Double? = nil, max: Double? = nil, sum: Double? = nil, count: Int,
        last: Double,
        lastTimestamp: Int64
    ) {
        self.series = series
        self.minute = minute
        self.increase = increase
        self.min = min
        self.max = max
        self.sum = sum
        self.count = count
        self.last = last
        self.lastTimestamp = lastTimestamp
    }

    /// The row of one series' cell: increases for counters, statistics for gauges.
    public init(_ series: SeriesKey, _ minute: Int64, _ cell: MinuteCell) {
        let kept = cell.kept(series.kind)
        self.init(
            series: series, minute: minute, increase: kept.increase, min: kept.min, max: kept.max, sum: kept.sum, count: cell.count,
            last: cell.last, lastTimestamp: cell.lastTimestamp)
    }
}
