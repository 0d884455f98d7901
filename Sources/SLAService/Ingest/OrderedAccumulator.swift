import Core
import Exposition

/// Folds samples that arrive series by series, each series in time order (an import), into the
/// rows `MinuteAccumulator` makes of the same samples: a minute is complete as soon as its series
/// has a sample in a later one, so memory holds one open minute per series, whatever the span.
public struct OrderedAccumulator: Sendable {
    var states: [SeriesKey: MinuteAccumulator.State] = [:]
    /// Complete rows not yet taken.
    package var ready: [MinuteRow] = []
    /// Samples not newer than their series' last one (repeated, or out of order): not counted.
    public private(set) var outOfOrder = 0
    /// What a series must be like to be kept; checked when the accumulator first meets it.
    public var limits = SeriesLimits.standard

    public init() {}

    /// Complete rows waiting to be taken.
    public var readyCount: Int { ready.count }
    /// Series seen so far.
    public var seriesCount: Int { states.count }

    /// Takes one sample at `ms` (milliseconds since the epoch); says why when the sample's time
    /// is outside `SampleTime` or `limits` refuse its series (nothing is taken then).
    @discardableResult
    public mutating func observe(_ series: SeriesKey, value: Double, at ms: Int64) -> String? {
        guard SampleTime.allows(ms) else { return "the sample's time is before 1970 or after 9999" }
        guard !value.isNaN else { return nil }
        guard let value = MinuteAccumulator.storable(value, kind: series.kind) else { return MinuteAccumulator.unstorableCounter(series) }
        let index: Dictionary<SeriesKey, MinuteAccumulator.State>.Index
        if let found = states.index(forKey: series) {
            index = found
        } else {
            if let problem = limits.problem(metric: series.metric, labels: series.labels) { return problem }
            states[series] = MinuteAccumulator.State()
            index = states.index(forKey: series)!
        }
        guard ms > states.values[index].seen else {
            outOfOrder += 1
            return nil
        }
        _ = states.values[index].observe(value, at: ms, kind: series.kind)
        let cells = states.values[index].cells
        if cells.count > 1 {
            for (minute, cell) in cells.dropLast() { ready.append(MinuteRow(series, minute, cell)) }
            states.values[index].cells.removeFirst(cells.count - 1)
        }
        return nil
    }

    /// The complete rows, taken out.
    public mutating func takeReady() -> [MinuteRow] {
        defer { ready = [] }
        return ready
    }

    /// Completes every minute still open (no more samples will come) and takes all rows out.
    /// Baselines stay, so samples after this still count from the last one.
    public mutating func takeAll() -> [MinuteRow] {
        var index = states.values.startIndex
        while index != states.values.endIndex {
            let series = states.keys[index]
            for (minute, cell) in states.values[index].cells { ready.append(MinuteRow(series, minute, cell)) }
            states.values[index].cells.removeAll()
            index = states.values.index(after: index)
        }
        return takeReady()
    }
}
