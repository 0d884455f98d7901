/// Folds samples into per-minute rollup rows, in memory, with no I/O: a pure state machine.
///
/// Conventions (the SLO engine relies on them):
/// - A sample belongs to the minute containing its timestamp; the increase between two
///   consecutive samples of a counter belongs to the later sample's minute.
/// - The first sample of a series is a baseline and counts nothing (its row has no increase).
/// - A drop in a counter is a reset: the new value is the increase.
/// - After a gap the old baseline stays, so the whole increase lands in the first minute after it.
/// - A sample not newer than the series' last one is ignored (replays never double count).
/// - A minute closes `grace` after it ends; a later sample for it cannot change its row, so a
///   counter's increase goes to the oldest open minute instead (nothing is lost) and a gauge's
///   value is dropped (counted in `lateSamples`).
public struct MinuteAccumulator: Sendable {
    /// One closed minute of one series.
    public struct Row: Sendable, Equatable, Codable {
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
    }

    struct Baseline: Sendable {
        var value: Double
        var at: Int64
    }

    struct Cell: Sendable {
        var increase: Double?
        var min = Double.infinity
        var max = -Double.infinity
        var sum = 0.0
        var count = 0
        var last = 0.0
        var lastTimestamp: Int64 = 0
    }

    public static let minute: Int64 = 60_000

    /// How long after its end a minute stays open for late scrapes, in milliseconds.
    public var grace: Int64
    /// Baselines of series not seen for this long are forgotten (their next sample is a new baseline).
    public var baselineLifetime: Int64
    /// Gauge samples dropped because their minute had closed.
    public private(set) var lateSamples = 0

    var baselines: [SeriesKey: Baseline] = [:]
    var open: [Int64: [SeriesKey: Cell]] = [:]
    /// Minutes before this are closed.
    var closedBefore: Int64 = .min

    public init(grace: Int64 = 20_000, baselineLifetime: Int64 = 6 * 3_600_000) {
        self.grace = grace
        self.baselineLifetime = baselineLifetime
    }

    static func minute(of ms: Int64) -> Int64 {
        let m = ms / minute * minute
        return ms < 0 && m != ms ? m - minute : m
    }

    /// Resumes a series from its last stored value (after a restart).
    public mutating func seed(_ series: SeriesKey, value: Double, at ms: Int64) {
        if let known = baselines[series], known.at >= ms { return }
        baselines[series] = Baseline(value: value, at: ms)
    }

    /// Takes one sample at `ms` (milliseconds since the epoch).
    public mutating func observe(_ series: SeriesKey, value: Double, at ms: Int64) {
        guard !value.isNaN else { return }
        var minute = Self.minute(of: ms)
        var increase: Double?
        if series.kind.countsIncreases {
            if let baseline = baselines[series] {
                guard ms > baseline.at else { return }
                increase = value >= baseline.value ? value - baseline.value : value
            }
            baselines[series] = Baseline(value: value, at: ms)
        }
        if minute < closedBefore {
            guard increase != nil else {
                lateSamples += 1
                return
            }
            minute = open.keys.min() ?? closedBefore
        }
        var cell = open[minute, default: [:]][series] ?? Cell()
        if let increase { cell.increase = (cell.increase ?? 0) + increase }
        if series.kind.keepsGaugeStatistics {
            cell.min = Swift.min(cell.min, value)
            cell.max = Swift.max(cell.max, value)
            cell.sum += value
        }
        cell.count += 1
        if ms >= cell.lastTimestamp {
            cell.last = value
            cell.lastTimestamp = ms
        }
        open[minute, default: [:]][series] = cell
    }

    /// Closes every minute that ended at least `grace` before `now` and returns its rows,
    /// oldest minute first.
    public mutating func close(now: Int64) -> [Row] {
        let limit = Self.minute(of: now - grace)  // minutes before this one have ended + grace
        var rows: [Row] = []
        for minute in open.keys.sorted() where minute < limit {
            for (series, cell) in open[minute] ?? [:] {
                let gauge = series.kind.keepsGaugeStatistics
                rows.append(
                    Row(
                        series: series, minute: minute, increase: series.kind.countsIncreases ? cell.increase : nil,
                        min: gauge ? cell.min : nil, max: gauge ? cell.max : nil, sum: gauge ? cell.sum : nil,
                        count: cell.count, last: cell.last, lastTimestamp: cell.lastTimestamp))
            }
            open[minute] = nil
        }
        closedBefore = Swift.max(closedBefore, limit)
        let forgetBefore = now - baselineLifetime
        baselines = baselines.filter { $0.value.at >= forgetBefore }
        return rows
    }

    /// Series with samples waiting in open minutes.
    public var openSeriesCount: Int { open.values.reduce(0) { $0 + $1.count } }
}
