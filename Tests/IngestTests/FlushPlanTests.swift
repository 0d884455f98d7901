import Testing

@testable import Ingest

/// The pipeline's write / spool / replay decisions, event by event, with letters for rows: no
/// database, no spool file, no clock.
@Suite("Flush plan")
struct FlushPlanTests {
    typealias Plan = FlushPlan<String>

    @Test func withNothingWaitingTheClosedMinutesGoStraightFromTheirCells() {
        var plan = Plan(pendingLimit: 10, hasWriter: true)
        #expect(plan.start(closedIsEmpty: false, spoolIsEmpty: true) == .writeCells)
        #expect(plan.cellsWritten(7) == .fold)
        #expect(plan.folded() == .finish(written: 7))
        #expect(plan.pending.isEmpty)
    }

    @Test func cellsThatNeedRowsAreWrittenAsRows() {
        // A minute of an hour already complete, or a cell refused for its content.
        var plan = Plan(pendingLimit: 10, hasWriter: true)
        _ = plan.start(closedIsEmpty: false, spoolIsEmpty: true)
        #expect(plan.cellsNeedRows() == .makeRows)
        #expect(plan.rowsMade(["a", "b"]) == .writeRows(["a", "b"]))
        #expect(plan.rowsWritten() == .fold)
        #expect(plan.folded() == .finish(written: 2))
        #expect(plan.pending.isEmpty)
    }

    @Test func whenTheDatabaseIsAwayTheCellsGoToTheSpoolAsRows() {
        var plan = Plan(pendingLimit: 10, hasWriter: true)
        _ = plan.start(closedIsEmpty: false, spoolIsEmpty: true)
        #expect(plan.cellsFailed() == .makeRows)
        #expect(plan.rowsMade(["a", "b"]) == .spool(["a", "b"], databaseAway: true))
        #expect(plan.spooled(true) == .finish(written: 0))
        #expect(plan.pending.isEmpty)
    }

    @Test func rowsTheSpoolCannotTakeWaitInMemoryAndGoFirstNextTime() {
        var plan = Plan(pendingLimit: 10, hasWriter: true)
        _ = plan.start(closedIsEmpty: false, spoolIsEmpty: true)
        _ = plan.cellsFailed()
        _ = plan.rowsMade(["a"])
        #expect(plan.spooled(false) == .finish(written: 0))
        #expect(plan.pending == ["a"])
        // Rows wait: the next minutes are not written from their cells ahead of them.
        #expect(plan.start(closedIsEmpty: false, spoolIsEmpty: true) == .makeRows)
        #expect(plan.rowsMade(["b"]) == .writeRows(["a", "b"]))
        #expect(plan.rowsWritten() == .fold)
        #expect(plan.folded() == .finish(written: 2))
    }

    @Test func theSpoolIsReplayedBeforeAnythingNewer() {
        var plan = Plan(pendingLimit: 10, hasWriter: true)
        #expect(plan.start(closedIsEmpty: false, spoolIsEmpty: false) == .makeRows)
        #expect(plan.rowsMade(["c"]) == .replaySpool)
        #expect(plan.replayed(5) == .writeRows(["c"]))
        #expect(plan.rowsWritten() == .fold)
        #expect(plan.folded() == .finish(written: 6))
    }

    @Test func aReplayThatFailsSpoolsWhatWaitsBehindTheSpoolWithoutCountingTwice() {
        var plan = Plan(pendingLimit: 10, hasWriter: true)
        _ = plan.start(closedIsEmpty: false, spoolIsEmpty: false)
        _ = plan.rowsMade(["c"])
        // The replay counted the failure already: `databaseAway` is false.
        #expect(plan.replayed(nil) == .spool(["c"], databaseAway: false))
        #expect(plan.spooled(true) == .finish(written: 0))
        #expect(plan.pending.isEmpty)
    }

    @Test func aReplayThatFailsWithNothingWaitingWritesNothingToTheSpool() {
        var plan = Plan(pendingLimit: 10, hasWriter: true)
        _ = plan.start(closedIsEmpty: true, spoolIsEmpty: false)
        #expect(plan.rowsMade([]) == .replaySpool)
        #expect(plan.replayed(nil) == .finish(written: 0))
    }

    @Test func rowsOnTheirWayToTheSpoolAreNotCutToTheMemoryLimit() {
        var plan = Plan(pendingLimit: 2, hasWriter: true)
        _ = plan.start(closedIsEmpty: false, spoolIsEmpty: true)
        _ = plan.cellsFailed()
        #expect(plan.rowsMade(["a", "b", "c"]) == .spool(["a", "b", "c"], databaseAway: true))
        // Kept in memory when the spool cannot take them; cut to the limit at the next flush.
        #expect(plan.spooled(false) == .finish(written: 0))
        _ = plan.start(closedIsEmpty: false, spoolIsEmpty: true)
        #expect(plan.rowsMade(["d"]) == .drop(2))
        #expect(plan.pending == ["c", "d"])
    }

    @Test func aWriteThatFailsAfterAReplaySpoolsTheRowsAndCountsWhatWasReplayed() {
        var plan = Plan(pendingLimit: 10, hasWriter: true)
        _ = plan.start(closedIsEmpty: false, spoolIsEmpty: false)
        _ = plan.rowsMade(["c"])
        _ = plan.replayed(3)
        #expect(plan.rowsFailed() == .spool(["c"], databaseAway: true))
        #expect(plan.spooled(true) == .finish(written: 3))
    }

    @Test func overTheLimitTheOldestRowsAreDroppedAndCounted() {
        var plan = Plan(pendingLimit: 3, hasWriter: true)
        _ = plan.start(closedIsEmpty: false, spoolIsEmpty: true)
        _ = plan.cellsFailed()
        _ = plan.rowsMade(["a", "b"])
        #expect(plan.spooled(false) == .finish(written: 0))
        _ = plan.start(closedIsEmpty: false, spoolIsEmpty: true)
        #expect(plan.rowsMade(["c", "d", "e"]) == .drop(2))
        #expect(plan.pending == ["c", "d", "e"])
        #expect(plan.dropReported() == .writeRows(["c", "d", "e"]))
    }

    @Test func withoutAWriterRowsWaitUpToTheLimit() {
        var plan = Plan(pendingLimit: 2, hasWriter: false)
        #expect(plan.start(closedIsEmpty: false, spoolIsEmpty: true) == .makeRows)
        #expect(plan.rowsMade(["a"]) == .finish(written: 0))
        _ = plan.start(closedIsEmpty: false, spoolIsEmpty: true)
        #expect(plan.rowsMade(["b", "c"]) == .drop(1))
        #expect(plan.dropReported() == .finish(written: 0))
        #expect(plan.pending == ["b", "c"])
    }

    @Test func aFlushWithNothingClosedStillFoldsEndedHours() {
        var plan = Plan(pendingLimit: 10, hasWriter: true)
        #expect(plan.start(closedIsEmpty: true, spoolIsEmpty: true) == .makeRows)
        #expect(plan.rowsMade([]) == .fold)
        #expect(plan.folded() == .finish(written: 0))
    }
}
