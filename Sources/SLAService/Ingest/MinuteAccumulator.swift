import Core
import Exposition

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

    struct Baseline: Sendable {
        package var value: Double
        package var at: Int64

        /// Moves a counter's baseline on to `value` at `ms`; returns the increase since the
        /// baseline (nil: none), or false when the sample is not newer (a replay: counts nothing).
        static func advance(_ baseline: inout Baseline?, to value: Double, at ms: Int64) -> (newer: Bool, increase: Double?) {
            var increase: Double?
            if let known = baseline {
                guard ms > known.at else { return (false, nil) }
                increase = value >= known.value ? value - known.value : value
            }
            baseline = Baseline(value: value, at: ms)
            return (true, increase)
        }
    }

    /// A series and its cells, for an accumulator that sees each series' samples in time order
    /// (`OrderedAccumulator`).
    package struct State: Sendable {
        var baseline: Baseline?
        var cells: [(minute: Int64, cell: MinuteCell)] = []
        var seen: Int64 = .min

        /// Folds one sample in; false if it was not newer than the last (counts nothing).
        package mutating func observe(_ value: Double, at ms: Int64, kind: SeriesKind) -> Bool {
            let minute = MinuteTime.start(of: ms)
            seen = Swift.max(seen, ms)
            var increase: Double?
            if kind.countsIncreases {
                let advanced = Baseline.advance(&baseline, to: value, at: ms)
                guard advanced.newer else { return false }
                increase = advanced.increase
            }
            if cells.last?.minute != minute { cells.append((minute, MinuteCell())) }
            cells[cells.count - 1].cell.fold(value, increase: increase, at: ms, gauge: kind.keepsGaugeStatistics)
            return true
        }
    }

    /// What the accumulator keeps of a series between its samples.
    struct Tracked: Sendable {
        var baseline: Baseline?
        /// The newest sample (or seed) time: series unseen for `baselineLifetime` are forgotten.
        var seen: Int64 = .min
    }

    /// The largest magnitude a stored value keeps: sums of up to 10^8 such values stay finite
    /// (PostgreSQL refuses a float sum that overflows, and a fold refused is a fold retried
    /// forever).
    public static let largestValue = 1e300

    /// The value kept of a sample of `kind`: a counter-like series' value must be finite and at
    /// most `largestValue` in size (an increase from anything else means nothing: nil, refused);
    /// a gauge's value beyond it is kept as ±Inf.
    package static func storable(_ value: Double, kind: SeriesKind) -> Double? {
        guard !(abs(value) <= largestValue), !value.isNaN else { return value }  // NaN is no sample: callers skip it
        return kind.countsIncreases ? nil : (value < 0 ? -.infinity : .infinity)
    }

    static func unstorableCounter(_ series: SeriesKey) -> String {
        "\(QuotedText.clip(series.metric)) is a \(series.kind.rawValue) whose value is not finite or beyond ±1e300; such samples are not kept"
    }

    /// How long after its end a minute stays open for late scrapes, in milliseconds.
    public var grace: Int64
    /// Baselines of series not seen for this long are forgotten (their next sample is a new baseline).
    public var baselineLifetime: Int64
    /// Gauge samples dropped because their minute had closed.
    public private(set) var lateSamples = 0
    /// Samples dropped because they were stamped too far ahead (`observe(_:notAfter:)`).
    public private(set) var aheadSamples = 0
    /// Samples dropped because their time is outside `SampleTime` (before 1970, past 9999).
    public private(set) var outOfRangeSamples = 0
    /// Samples dropped because their series cannot be stored (`SeriesLimits`).
    public private(set) var refusedSamples = 0
    /// What a series must be like to be kept; checked when the accumulator first meets it.
    public var limits = SeriesLimits.standard

    /// New series each source added in its latest minute.
    var newSeries: [String: (minute: Int64, count: Int)] = [:]

    /// Every series, by slot: its key (nil: a free slot) and what is kept of it. `index` finds a
    /// series' slot, and each key object remembers its slot (a hint, checked by identity), so a
    /// sample of a series the scraper has cached is folded without hashing its key.
    package var keys: [SeriesKey?] = []
    var tracked: [Tracked] = []
    /// The database id of each slot's series, once the pipeline's writer has named it (0: not
    /// yet), so closed minutes are written without touching their series' keys.
    var storedIDs: [Int64] = []
    package var index: [SeriesKey: Int] = [:]
    var freeSlots: [Int] = []
    /// The open minutes, oldest first (usually one, two around a minute's end).
    package var minutes: [MinuteCells] = []
    /// Minutes before this are closed.
    var closedBefore: Int64 = .min

    /// Each series' state with its cells in the open minutes (for tests and inspection).
    var states: [SeriesKey: State] {
        var states: [SeriesKey: State] = [:]
        for (slot, key) in keys.enumerated() {
            guard let key else { continue }
            let cells = minutes.compactMap { minute in
                minute.holds(slot) ? (minute.start, minute.isDense ? minute.dense[slot] : minute.sparse[slot]!) : nil
            }
            states[key] = State(baseline: tracked[slot].baseline, cells: cells, seen: tracked[slot].seen)
        }
        return states
    }

    /// The slot of `series`, made if it has none; nil (and none made) when `limits` refuse a
    /// series met for the first time.
    mutating func slot(of series: SeriesKey, checking limits: SeriesLimits? = nil, newAllowed: inout Int) -> Int? {
        let hint = series.storage.slot.load(ordering: .relaxed)
        if hint >= 0, hint < keys.count, let held = keys[hint], held.storage === series.storage { return hint }
        let found: Int
        if let known = index[series] {
            found = known
        } else {
            if let limits, !limits.allows(series) { return nil }
            guard newAllowed > 0 else { return nil }
            newAllowed -= 1
            if let free = freeSlots.popLast() {
                found = free
                keys[free] = series
                tracked[free] = Tracked()
                storedIDs[free] = 0
            } else {
                found = keys.count
                keys.append(series)
                tracked.append(Tracked())
                storedIDs.append(0)
            }
            index[series] = found
        }
        series.storage.slot.store(found, ordering: .relaxed)
        return found
    }

    public init(grace: Int64 = 20_000, baselineLifetime: Int64 = 6 * 3_600_000) {
        self.grace = grace
        self.baselineLifetime = baselineLifetime
    }

    /// Resumes a series from its last stored value (after a restart).
    public mutating func seed(_ series: SeriesKey, value: Double, at ms: Int64) {
        var unlimited = Int.max
        guard SampleTime.allows(ms), let slot = slot(of: series, newAllowed: &unlimited) else { return }
        if let known = tracked[slot].baseline, known.at >= ms { return }
        tracked[slot].baseline = Baseline(value: value, at: ms)
        tracked[slot].seen = Swift.max(tracked[slot].seen, ms)
    }

    /// Takes one sample at `ms` (milliseconds since the epoch). A sample whose time is outside
    /// `SampleTime`, or whose series `limits` refuse, is dropped and counted.
    public mutating func observe(_ series: SeriesKey, value: Double, at ms: Int64) {
        _ = take(series, value: value, at: ms)
    }

    /// Why a sample was not taken; nil when it was (or was a replay, or NaN: nothing to count).
    enum Refusal {
        case outOfRange
        case refused(String)
    }

    mutating func take(_ series: SeriesKey, value: Double, at ms: Int64) -> Refusal? {
        var unlimited = Int.max
        return take(series, value: value, at: ms, newAllowed: &unlimited)
    }

    /// `take`, making at most `newAllowed` new series (counted down).
    mutating func take(_ series: SeriesKey, value: Double, at ms: Int64, newAllowed: inout Int) -> Refusal? {
        guard SampleTime.allows(ms) else {
            outOfRangeSamples += 1
            return .outOfRange
        }
        guard !value.isNaN else { return nil }
        guard let value = Self.storable(value, kind: series.kind) else {
            refusedSamples += 1
            return .refused(Self.unstorableCounter(series))
        }
        guard let slot = slot(of: series, checking: limits, newAllowed: &newAllowed) else {
            refusedSamples += 1
            return .refused(
                limits.problem(metric: series.metric, labels: series.labels)
                    ?? "more new series than one request or one minute may bring (limits: new_series_per_request, new_series_per_minute)")
        }
        let kind = series.kind
        tracked[slot].seen = Swift.max(tracked[slot].seen, ms)
        var increase: Double?
        if kind.countsIncreases {
            let advanced = Baseline.advance(&tracked[slot].baseline, to: value, at: ms)
            guard advanced.newer else { return nil }  // a replay: counts nothing
            increase = advanced.increase
        }
        var minute = MinuteTime.start(of: ms)
        if minute < closedBefore {
            guard increase != nil else {  // a late gauge sample (or baseline)
                lateSamples += 1
                return nil
            }
            minute = minutes.first?.start ?? closedBefore
        }
        let open = openMinute(minute)
        minutes[open].fold(slot: slot, slots: keys.count, value, increase: increase, at: ms, gauge: kind.keepsGaugeStatistics)
        return nil
    }

    /// The position of `start`'s minute among the open ones, opened if it is not.
    mutating func openMinute(_ start: Int64) -> Int {
        // Samples mostly land in the newest minute.
        if let last = minutes.last, last.start == start { return minutes.count - 1 }
        if let found = minutes.firstIndex(where: { $0.start >= start }) {
            if minutes[found].start == start { return found }
            minutes.insert(MinuteCells(start: start), at: found)
            return found
        }
        minutes.append(MinuteCells(start: start))
        return minutes.count - 1
    }

    /// What `observe(_:notAfter:)` did not take, and why.
    public struct Dropped: Sendable, Equatable {
        /// Stamped after the limit (ahead of this server's clock).
        public var ahead = 0
        /// Stamped outside `SampleTime` (before 1970, past 9999).
        public var outOfRange = 0
        /// Of series that cannot be stored (`SeriesLimits`).
        public var refused = 0
        /// Why the first refused series was refused.
        public var refusal: String?

        public init() {}

        /// Samples dropped for any reason.
        public var total: Int { ahead + outOfRange + refused }
    }

    /// Takes a scrape's, a push's or a remote-write's samples but those stamped after `limit`
    /// (milliseconds): one sample stamped far ahead would become its series' baseline, and
    /// every sample before that time would then be ignored as a replay (and an open minute far
    /// ahead holds memory); and but those `take` refuses. Returns what was dropped.
    /// A `source` with a `budget` adds at most that many new series, per call and per minute of
    /// `now` (milliseconds; the server's clock).
    @discardableResult
    public mutating func observe(
        _ observations: [SampleMapper.Observation], notAfter limit: Int64 = .max, source: String? = nil, budget: NewSeriesBudget? = nil,
        now: Int64 = 0
    ) -> Dropped {
        var dropped = Dropped()
        var newAllowed = Int.max
        let minute = MinuteTime.start(of: max(0, now))
        if let source, let budget {
            let used = newSeries[source].map { $0.minute == minute ? $0.count : 0 } ?? 0
            newAllowed = max(0, min(budget.perRequest, budget.perMinute - used))
        }
        let allowed = newAllowed
        defer {
            if let source, budget != nil, allowed != newAllowed {
                let used = newSeries[source].map { $0.minute == minute ? $0.count : 0 } ?? 0
                newSeries[source] = (minute, used + allowed - newAllowed)
            }
        }
        for o in observations {
            guard o.at <= limit else {
                dropped.ahead += 1
                continue
            }
            switch take(o.series, value: o.value, at: o.at, newAllowed: &newAllowed) {
            case nil: break
            case .outOfRange: dropped.outOfRange += 1
            case .refused(let problem):
                dropped.refused += 1
                if dropped.refusal == nil { dropped.refusal = problem }
            }
        }
        aheadSamples += dropped.ahead
        return dropped
    }

    /// Keeps the database ids the writer found for slots of `closed` (each still its series':
    /// slots are freed only while minutes are taken out, never between that and this).
    public mutating func remember(_ found: [(slot: Int, id: Int64)], of closed: ClosedMinutes) {
        for (slot, id) in found where slot < keys.count && keys[slot]?.storage === closed.keys[slot]?.storage {
            storedIDs[slot] = id
        }
    }

    /// Takes out every minute that ended at least `grace` before `now` (its cells as they are:
    /// no work per series), and forgets series not seen for `baselineLifetime`.
    public mutating func takeClosed(now: Int64) -> ClosedMinutes {
        let limit = MinuteTime.start(of: now - grace)  // minutes before this one have ended + grace
        closedBefore = Swift.max(closedBefore, limit)
        guard let oldest = minutes.first, oldest.start < limit else { return ClosedMinutes() }
        let closing = minutes.prefix { $0.start < limit }
        minutes.removeFirst(closing.count)
        // The keys as they are before forgetting: a series last seen long ago may have a cell in
        // a closing minute (a backlog stamped hours back), and its row must still be made.
        let closed = ClosedMinutes(minutes: Array(closing), keys: keys, storedIDs: storedIDs)
        forget(seenBefore: now - baselineLifetime)
        return closed
    }

    /// Frees the slots of series unseen since `time` that have no cell in an open minute.
    mutating func forget(seenBefore time: Int64) {
        for slot in keys.indices where tracked[slot].seen < time {
            guard let series = keys[slot], !minutes.contains(where: { $0.holds(slot) }) else { continue }
            index[series] = nil
            keys[slot] = nil
            tracked[slot] = Tracked()
            storedIDs[slot] = 0
            freeSlots.append(slot)
        }
    }

    /// Closes every minute that ended at least `grace` before `now` and returns its rows,
    /// oldest minute first; forgets series not seen for `baselineLifetime`.
    public mutating func close(now: Int64) -> [MinuteRow] {
        takeClosed(now: now).rows()
    }

}
