/// Splits a time range into the rollup rows that cover it: whole UTC days from `rollup_1d`,
/// whole hours at the day edges from `rollup_1h`, minutes at the hour edges from `rollup_1m`.
/// So a 30-day query reads about 30 + 2·23 + 2·59 rows per series, however long the history.
public struct RangePlan: Sendable, Equatable {
    /// Half-open `[start, end)` ranges in milliseconds, per level.
    public var minutes: [Range<Int64>] = []
    public var hours: [Range<Int64>] = []
    public var days: [Range<Int64>] = []

    package static let minute: Int64 = 60_000, hour: Int64 = 3_600_000, day: Int64 = 86_400_000

    /// The plan for `[from, to)`, both rounded down to whole minutes. Hour rows are used only
    /// before `hoursBefore` and day rows only before `daysBefore` (the first hour and day whose
    /// rows may still lag the level below; see `fold_pending`); after them, finer rows.
    public init(from: Int64, to: Int64, hoursBefore: Int64 = .max, daysBefore: Int64 = .max) {
        let start = MinuteTime.start(of: from), end = MinuteTime.start(of: to)
        guard start < end else { return }
        guard let (hourSpan, minuteEdges) = Self.split(start..<end, Self.hour, before: hoursBefore) else {
            minutes = [start..<end]
            return
        }
        minutes = minuteEdges
        guard let (daySpan, hourEdges) = Self.split(hourSpan, Self.day, before: daysBefore) else {
            hours = [hourSpan]
            return
        }
        hours = hourEdges
        days = [daySpan]
    }

    /// The whole `unit`s inside `range` that end by `before`, and what is left of `range` on
    /// either side of them; nil when there is no whole unit.
    package static func split(_ range: Range<Int64>, _ unit: Int64, before: Int64) -> (whole: Range<Int64>, edges: [Range<Int64>])? {
        let first = ceil(range.lowerBound, unit), last = min(floor(range.upperBound, unit), floor(before, unit))
        guard first < last else { return nil }
        return (first..<last, [range.lowerBound..<first, last..<range.upperBound].filter { !$0.isEmpty })
    }

    package static func floor(_ t: Int64, _ unit: Int64) -> Int64 { (t >= 0 ? t / unit : (t - unit + 1) / unit) * unit }
    static func ceil(_ t: Int64, _ unit: Int64) -> Int64 { floor(t + unit - 1, unit) }

    /// Rows read per series, at most.
    public var rowsPerSeries: Int64 {
        let m = minutes.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) / Self.minute }
        let h = hours.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) / Self.hour }
        let d = days.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) / Self.day }
        return m + h + d
    }
}
