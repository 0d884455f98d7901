/// The write / spool / replay decisions of the ingest pipeline, as a value: events in, the next
/// action out. It holds the rows waiting in memory (oldest first) and knows nothing of
/// PostgreSQL, files or clocks: `IngestPipeline` does what an action says and reports back how
/// it went, so a test drives every path (database away, spool failing, rows over the limit)
/// event by event. `Row` is generic so that tests need no real rows.
///
/// One flush goes:
/// 1. `start`: with nothing waiting before them, the closed minutes are written straight from
///    their cells (`writeCells`); otherwise they are made into rows (`makeRows`).
/// 2. Rows join those waiting; beyond `pendingLimit` the oldest are dropped (`drop`), unless
///    they are on their way to the spool (which has no such limit).
/// 3. The spool, if it holds anything, is replayed first (`replaySpool`); then what waits is
///    written (`writeRows`).
/// 4. When the database is away, what waits goes to the spool (`spool`); if that fails too it
///    stays in memory for the next flush.
/// 5. Written minutes may end hours: `fold`, then `finish` with the number of rows written.
package struct FlushPlan<Row> {
    package enum Action {
        /// Write the closed minutes straight from their cells.
        case writeCells
        /// Make the closed minutes into rows and hand them to `rowsMade`.
        case makeRows
        /// The oldest rows over `pendingLimit` were dropped: count and log them, then `dropReported`.
        case drop(Int)
        /// Replay the spool, oldest first, then `replayed`.
        case replaySpool
        /// Write these rows in one call, then `rowsWritten` or `rowsFailed`.
        case writeRows([Row])
        /// Append these rows to the spool, then `spooled`. `databaseAway` when a write just
        /// failed (count it, say so); false after a failed replay (already counted).
        case spool([Row], databaseAway: Bool)
        /// Fold the hours and days that have ended, then `folded`.
        case fold
        /// The flush is over; this many rows reached the database.
        case finish(written: Int)
    }

    /// Where a flush is, so that an event out of turn is caught.
    enum Step: Equatable {
        case idle, writingCells, makingRows(databaseAway: Bool), dropping(databaseAway: Bool)
        case replaying, writingRows(count: Int), spooling, folding
    }

    /// Rows waiting to be written, oldest first.
    package private(set) var pending: [Row] = []
    /// At most this many rows wait in memory.
    package let pendingLimit: Int
    /// Whether there is a database to write to (tests of the accumulator run without).
    package let hasWriter: Bool
    private(set) var step = Step.idle
    private var spoolHoldsRows = false
    private var written = 0

    package init(pendingLimit: Int, hasWriter: Bool) {
        self.pendingLimit = pendingLimit
        self.hasWriter = hasWriter
    }

    /// A flush begins with these closed minutes (`closedIsEmpty`) and this spool.
    package mutating func start(closedIsEmpty: Bool, spoolIsEmpty: Bool) -> Action {
        precondition(step == .idle, "a flush started while another was under way")
        spoolHoldsRows = !spoolIsEmpty
        written = 0
        if hasWriter, !closedIsEmpty, pending.isEmpty, spoolIsEmpty {
            step = .writingCells
            return .writeCells
        }
        step = .makingRows(databaseAway: false)
        return .makeRows
    }

    /// The closed minutes were written from their cells: `count` of them.
    package mutating func cellsWritten(_ count: Int) -> Action {
        precondition(step == .writingCells)
        written = count
        step = .folding
        return .fold
    }

    /// The cells could not be written as cells (a minute of an hour already complete, or a cell
    /// the database refused for its content): they go the way of rows, which handles both.
    package mutating func cellsNeedRows() -> Action {
        precondition(step == .writingCells)
        step = .makingRows(databaseAway: false)
        return .makeRows
    }

    /// The database is away: the closed minutes go to the spool as rows.
    package mutating func cellsFailed() -> Action {
        precondition(step == .writingCells)
        step = .makingRows(databaseAway: true)
        return .makeRows
    }

    /// The closed minutes, as rows.
    package mutating func rowsMade(_ rows: [Row]) -> Action {
        guard case .makingRows(let away) = step else { preconditionFailure("rows made out of turn") }
        if pending.isEmpty { pending = rows } else { pending += rows }
        let over = pending.count - pendingLimit
        if over > 0, !away {
            pending.removeFirst(over)
            step = .dropping(databaseAway: away)
            return .drop(over)
        }
        return afterQueueing(databaseAway: away)
    }

    package mutating func dropReported() -> Action {
        guard case .dropping(let away) = step else { preconditionFailure("drop reported out of turn") }
        return afterQueueing(databaseAway: away)
    }

    private mutating func afterQueueing(databaseAway: Bool) -> Action {
        if databaseAway { return spoolPending(databaseAway: true) }
        guard hasWriter else { return finish() }
        if spoolHoldsRows {
            step = .replaying
            return .replaySpool
        }
        return writePending()
    }

    /// The spool was replayed (`rows` written, and it is empty now), or not: nil, the database
    /// is away, and what waits joins the spool behind what it holds.
    package mutating func replayed(_ rows: Int?) -> Action {
        precondition(step == .replaying)
        guard let rows else { return spoolPending(databaseAway: false) }
        written += rows
        spoolHoldsRows = false
        return writePending()
    }

    private mutating func writePending() -> Action {
        guard !pending.isEmpty else {
            step = .folding
            return .fold
        }
        step = .writingRows(count: pending.count)
        return .writeRows(pending)
    }

    /// The rows of `writeRows` are in the database.
    package mutating func rowsWritten() -> Action {
        guard case .writingRows(let count) = step else { preconditionFailure("rows written out of turn") }
        // The action's copy of the rows may still be alive: drop them without copying the rest.
        if count == pending.count { pending = [] } else { pending.removeFirst(count) }
        written += count
        step = .folding
        return .fold
    }

    /// The database is away: what waits goes to the spool.
    package mutating func rowsFailed() -> Action {
        guard case .writingRows = step else { preconditionFailure("rows failed out of turn") }
        return spoolPending(databaseAway: true)
    }

    private mutating func spoolPending(databaseAway: Bool) -> Action {
        guard !pending.isEmpty else { return finish() }
        step = .spooling
        return .spool(pending, databaseAway: databaseAway)
    }

    /// The rows of `spool` are in the spool (`true`), or stay in memory (`false`: no spool, or it
    /// cannot be written).
    package mutating func spooled(_ done: Bool) -> Action {
        precondition(step == .spooling)
        if done { pending = [] }
        return finish()
    }

    package mutating func folded() -> Action {
        precondition(step == .folding)
        return finish()
    }

    private mutating func finish() -> Action {
        step = .idle
        return .finish(written: written)
    }
}

extension FlushPlan.Action: Equatable where Row: Equatable {}
