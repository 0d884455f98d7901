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

    /// Everything known of one series: its counter baseline and its cells in open minutes
    /// (one or two, rarely more), so a sample costs one dictionary lookup.
    struct State: Sendable {
        var baseline: Baseline?
        var cells: [(minute: Int64, cell: Cell)] = []
        /// The newest sample (or seed) time: series unseen for `baselineLifetime` are forgotten.
        var seen: Int64 = .min

        /// Folds one sample in. Returns the minute it landed in, or nil if it was dropped.
        mutating func observe(_ value: Double, at ms: Int64, kind: SeriesKind, closedBefore: Int64, oldestOpen: Int64?) -> Int64?? {
            var minute = MinuteAccumulator.minute(of: ms)
            var increase: Double?
            seen = Swift.max(seen, ms)
            if kind.countsIncreases {
                if let baseline {
                    guard ms > baseline.at else { return .some(nil) }  // a replay: counts nothing
                    increase = value >= baseline.value ? value - baseline.value : value
                }
                baseline = Baseline(value: value, at: ms)
            }
            if minute < closedBefore {
                guard increase != nil else { return nil }  // a late gauge sample
                minute = oldestOpen ?? closedBefore
            }
            let index: Int
            if let found = cells.firstIndex(where: { $0.minute == minute }) {
                index = found
            } else {
                cells.append((minute, Cell()))
                index = cells.count - 1
            }
            if let increase { cells[index].cell.increase = (cells[index].cell.increase ?? 0) + increase }
            if kind.keepsGaugeStatistics {
                cells[index].cell.min = Swift.min(cells[index].cell.min, value)
                cells[index].cell.max = Swift.max(cells[index].cell.max, value)
                cells[index].cell.sum += value
            }
            cells[index].cell.count += 1
            if ms >= cells[index].cell.lastTimestamp {
                cells[index].cell.last = value
                cells[index].cell.lastTimestamp = ms
            }
            return .some(minute)
        }
    }

    public static let minute: Int64 = 60_000

    /// How long after its end a minute stays open for late scrapes, in milliseconds.
    public var grace: Int64
    /// Baselines of series not seen for this long are forgotten (their next sample is a new baseline).
    public var baselineLifetime: Int64
    /// Gauge samples dropped because their minute had closed.
    public private(set) var lateSamples = 0

    /// Every series' state, by slot; `index` finds a series' slot, and each key object
    /// remembers its slot (a hint, checked by identity), so a sample of a series the scraper
    /// has cached is folded without hashing its key.
    var slots: [(series: SeriesKey?, state: State)] = []
    var index: [SeriesKey: Int] = [:]
    var freeSlots: [Int] = []

    /// The states by series (for tests and inspection; not for the sample path).
    var states: [SeriesKey: State] {
        Dictionary(uniqueKeysWithValues: slots.compactMap { slot in slot.series.map { ($0, slot.state) } })
    }

    /// The slot of `series`, made if it has none.
    mutating func slot(of series: SeriesKey) -> Int {
        let hint = series.storage.slot.load(ordering: .relaxed)
        if hint >= 0, hint < slots.count, let held = slots[hint].series, held.storage === series.storage { return hint }
        let found: Int
        if let known = index[series] {
            found = known
        } else {
            if let free = freeSlots.popLast() {
                found = free
                slots[free] = (series, State())
            } else {
                found = slots.count
                slots.append((series, State()))
            }
            index[series] = found
        }
        series.storage.slot.store(found, ordering: .relaxed)
        return found
    }
    /// Minutes that hold at least one cell.
    var openMinutes: Set<Int64> = []
    /// The minute a sample last landed in (in `openMinutes`; samples mostly land in one).
    var lastLanded: Int64?
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
        let slot = slot(of: series)
        if let known = slots[slot].state.baseline, known.at >= ms { return }
        slots[slot].state.baseline = Baseline(value: value, at: ms)
        slots[slot].state.seen = Swift.max(slots[slot].state.seen, ms)
    }

    /// Takes one sample at `ms` (milliseconds since the epoch).
    public mutating func observe(_ series: SeriesKey, value: Double, at ms: Int64) {
        guard !value.isNaN else { return }
        let oldest = MinuteAccumulator.minute(of: ms) < closedBefore ? openMinutes.min() : nil
        let slot = slot(of: series)
        let landed = slots[slot].state.observe(value, at: ms, kind: series.kind, closedBefore: closedBefore, oldestOpen: oldest)
        switch landed {
        case .none: lateSamples += 1
        case .some(.none): break
        case .some(.some(let minute)):
            if minute != lastLanded {
                openMinutes.insert(minute)
                lastLanded = minute
            }
        }
    }

    /// Takes a scrape's or a push's samples.
    public mutating func observe(_ observations: [SampleMapper.Observation]) {
        for o in observations { observe(o.series, value: o.value, at: o.at) }
    }

    /// Closes every minute that ended at least `grace` before `now` and returns its rows,
    /// oldest minute first; forgets series not seen for `baselineLifetime`.
    public mutating func close(now: Int64) -> [Row] {
        let limit = Self.minute(of: now - grace)  // minutes before this one have ended + grace
        closedBefore = Swift.max(closedBefore, limit)
        guard let oldest = openMinutes.min(), oldest < limit else { return [] }
        let forgetBefore = now - baselineLifetime
        var rows: [Row] = []
        for slot in slots.indices {
            guard let series = slots[slot].series else { continue }
            if slots[slot].state.cells.contains(where: { $0.minute < limit }) {
                for (minute, cell) in slots[slot].state.cells where minute < limit {
                    rows.append(Self.row(series, minute, cell))
                }
                // A new array for what stays open (usually nothing): one kept at its largest
                // (two minutes open around each minute's end) would be ~80 bytes a series more.
                let open = slots[slot].state.cells.filter { $0.minute >= limit }
                slots[slot].state.cells = open.isEmpty ? [] : open
            }
            if slots[slot].state.cells.isEmpty, slots[slot].state.seen < forgetBefore {
                index[series] = nil
                slots[slot] = (nil, State())
                freeSlots.append(slot)
            }
        }
        // Usually one minute closes at a time: its rows need no sorting.
        if openMinutes.lazy.filter({ $0 < limit }).count > 1 { rows.sort { $0.minute < $1.minute } }
        openMinutes = openMinutes.filter { $0 >= limit }
        lastLanded = nil
        return rows
    }

    /// The row of one series' cell.
    static func row(_ series: SeriesKey, _ minute: Int64, _ cell: Cell) -> Row {
        let gauge = series.kind.keepsGaugeStatistics
        return Row(
            series: series, minute: minute, increase: series.kind.countsIncreases ? cell.increase : nil, min: gauge ? cell.min : nil,
            max: gauge ? cell.max : nil, sum: gauge ? cell.sum : nil, count: cell.count, last: cell.last, lastTimestamp: cell.lastTimestamp)
    }

}

/// Folds samples that arrive series by series, each series in time order (an import), into the
/// rows `MinuteAccumulator` makes of the same samples: a minute is complete as soon as its series
/// has a sample in a later one, so memory holds one open minute per series, whatever the span.
public struct OrderedAccumulator: Sendable {
    var states: [SeriesKey: MinuteAccumulator.State] = [:]
    /// Complete rows not yet taken.
    var ready: [MinuteAccumulator.Row] = []
    /// Samples not newer than their series' last one (repeated, or out of order): not counted.
    public private(set) var outOfOrder = 0

    public init() {}

    /// Complete rows waiting to be taken.
    public var readyCount: Int { ready.count }
    /// Series seen so far.
    public var seriesCount: Int { states.count }

    /// Takes one sample at `ms` (milliseconds since the epoch).
    public mutating func observe(_ series: SeriesKey, value: Double, at ms: Int64) {
        guard !value.isNaN else { return }
        let index: Dictionary<SeriesKey, MinuteAccumulator.State>.Index
        if let found = states.index(forKey: series) {
            index = found
        } else {
            states[series] = MinuteAccumulator.State()
            index = states.index(forKey: series)!
        }
        guard ms > states.values[index].seen else {
            outOfOrder += 1
            return
        }
        _ = states.values[index].observe(value, at: ms, kind: series.kind, closedBefore: .min, oldestOpen: nil)
        let cells = states.values[index].cells
        if cells.count > 1 {
            for (minute, cell) in cells.dropLast() { ready.append(MinuteAccumulator.row(series, minute, cell)) }
            states.values[index].cells.removeFirst(cells.count - 1)
        }
    }

    /// The complete rows, taken out.
    public mutating func takeReady() -> [MinuteAccumulator.Row] {
        defer { ready = [] }
        return ready
    }

    /// Completes every minute still open (no more samples will come) and takes all rows out.
    /// Baselines stay, so samples after this still count from the last one.
    public mutating func takeAll() -> [MinuteAccumulator.Row] {
        var index = states.values.startIndex
        while index != states.values.endIndex {
            let series = states.keys[index]
            for (minute, cell) in states.values[index].cells { ready.append(MinuteAccumulator.row(series, minute, cell)) }
            states.values[index].cells.removeAll()
            index = states.values.index(after: index)
        }
        return takeReady()
    }
}
