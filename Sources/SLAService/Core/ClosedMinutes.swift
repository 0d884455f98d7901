/// Minutes taken out of an accumulator, and the keys of their slots, to be made rows of
/// (`rows`) or written as blocks without holding whatever guards the accumulator.
public struct ClosedMinutes: Sendable {
    public var minutes: [MinuteCells] = []
    public var keys: [SeriesKey?] = []
    /// The database id of each slot's series, where the writer has named it (0: not yet).
    public var storedIDs: [Int64] = []
    public var isEmpty: Bool { minutes.isEmpty }

    public init(minutes: [MinuteCells] = [], keys: [SeriesKey?] = [], storedIDs: [Int64] = []) {
        self.minutes = minutes
        self.keys = keys
        self.storedIDs = storedIDs
    }

    /// How many cells (rows to be) the minutes hold.
    public var cellCount: Int {
        minutes.reduce(0) { total, minute in
            total + (minute.isDense ? minute.dense.reduce(0) { $0 + ($1.count > 0 ? 1 : 0) } : minute.sparse.count)
        }
    }

    /// Every cell of every minute, oldest minute first, each minute in slot order.
    public func forEachCell(_ body: (_ minute: Int64, _ slot: Int, MinuteCell) -> Void) {
        for minute in minutes { minute.forEachCell { body(minute.start, $0, $1) } }
    }

    /// The rows, oldest minute first.
    public func rows() -> [MinuteRow] {
        var rows: [MinuteRow] = []
        for minute in minutes {
            rows.reserveCapacity(rows.count + (minute.isDense ? minute.dense.count : minute.sparse.count))
            minute.forEachCell { slot, cell in
                if let series = keys[slot] { rows.append(MinuteRow(series, minute.start, cell)) }
            }
        }
        return rows
    }
}
