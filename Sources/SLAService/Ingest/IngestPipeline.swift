import Config
import Core
import CoreMetrics
import Foundation
import Logging
import ServiceLifecycle
import Storage
import Synchronization

/// Where every scrape, probe and push ends: one accumulator, flushed to PostgreSQL as minutes
/// close. Rows the database cannot take while it is away go to the disk spool (fsync'd) and are
/// replayed, in order, before anything newer once it is back; without a spool they wait in
/// memory (bounded). Rows it refuses for their content are quarantined, never retried, so no
/// row can stop the rows behind it.
public actor IngestPipeline {
    package nonisolated let accumulator: Mutex<MinuteAccumulator>
    package let writer: RollupWriter?
    package let spool: Spool?
    /// How long one write may take before the database is taken to be away.
    let writeTimeout: Duration
    package let logger: Logger
    package let now: @Sendable () -> Int64
    /// The write / spool / replay decisions, and the closed rows waiting to be written (at most
    /// `pendingLimit` while the database is away; beyond that the oldest are dropped, counted).
    var plan: FlushPlan<MinuteRow>
    /// Closed rows waiting to be written, oldest first.
    package var pending: [MinuteRow] { plan.pending }
    /// How many new series pushes and remote-write may add (`limits:`).
    nonisolated let newSeriesBudget: NewSeriesBudget
    /// The server's own metrics of writing (`hms_rollup_write_failures_total`, ...).
    let instruments: Instruments
    /// The end of the newest minute written to PostgreSQL (at first, when the pipeline was made).
    nonisolated let writtenThrough: Atomic<Int64>
    /// Rows waiting in memory (`pending`), for readers off the actor.
    nonisolated let pendingCount = Atomic<Int>(0)
    /// Whether the last replay of the spool failed (so its failure is logged once, not per flush).
    var replayFailing = false

    public init(
        writer: RollupWriter?, spool: Spool? = nil, grace: Int64 = 20_000, pendingLimit: Int = 2_000_000,
        writeTimeout: Duration = .seconds(15), limits: HMSConfig.Limits = .init(), metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger, now: @escaping @Sendable () -> Int64 = { WallClock.now() }
    ) {
        var accumulator = MinuteAccumulator(grace: grace)
        accumulator.limits = limits.series
        self.accumulator = Mutex(accumulator)
        self.newSeriesBudget = limits.newSeries
        self.writer = writer
        self.spool = spool
        self.writeTimeout = writeTimeout
        self.plan = FlushPlan(pendingLimit: pendingLimit, hasWriter: writer != nil)
        self.instruments = Instruments(metrics)
        self.logger = logger
        self.now = now
        self.writtenThrough = Atomic(MinuteTime.start(of: max(0, now())))
    }

    /// Counters of what went wrong with writes, and gauges read when `/metrics` is.
    struct Instruments: Sendable {
        /// `reason`: `database_unavailable` (away, timed out: the rows are spooled) or
        /// `refused` (their content: the batch is split and the refused rows quarantined).
        let unavailable: Counter
        package let refused: Counter
        package let quarantined: Counter
        package let dropped: Counter
        package let lag: Gauge
        let spoolBytes: Gauge

        package init(_ metrics: any MetricsFactory) {
            unavailable = Counter(label: "hms_rollup_write_failures_total", dimensions: [("reason", "database_unavailable")], factory: metrics)
            refused = Counter(label: "hms_rollup_write_failures_total", dimensions: [("reason", "refused")], factory: metrics)
            quarantined = Counter(label: "hms_quarantined_rows_total", factory: metrics)
            dropped = Counter(label: "hms_rows_dropped_total", factory: metrics)
            lag = Gauge(label: "hms_ingest_lag_seconds", factory: metrics)
            spoolBytes = Gauge(label: "hms_spool_bytes", factory: metrics)
        }
    }

    /// How far ingest is behind, for `/healthz` and `/metrics`.
    public struct Health: Sendable, Equatable {
        /// Now minus the end of the newest minute written, while anything waits to be written
        /// (an open or closed minute, pending rows, the spool); 0 when nothing does.
        public var lagSeconds: Double
        /// Bytes in the spool.
        public var spoolBytes: Int
        /// More than `behindAfter` behind.
        public var isBehind: Bool { lagSeconds > Double(IngestPipeline.behindAfter) / 1000 }
    }

    /// Lag past which ingest reads as behind (and `/healthz` as degraded), in milliseconds: a
    /// minute is written about 25 to 85 s after it ends, so three minutes is a real stall.
    public static let behindAfter: Int64 = 3 * 60_000

    /// How far ingest is behind now; reads no database, waits on no flush.
    public nonisolated func health() -> Health {
        let spoolBytes = spool?.size ?? 0
        let waiting = spoolBytes > 0 || pendingCount.load(ordering: .relaxed) > 0 || accumulator.withLock { !$0.minutes.isEmpty }
        let lag = waiting ? max(0, now() - writtenThrough.load(ordering: .relaxed)) : 0
        let health = Health(lagSeconds: Double(lag) / 1000, spoolBytes: spoolBytes)
        instruments.lag.record(health.lagSeconds)
        instruments.spoolBytes.record(spoolBytes)
        return health
    }

    /// Notes that minutes up to `end` (milliseconds) are in PostgreSQL.
    func wrote(through end: Int64) {
        var known = writtenThrough.load(ordering: .relaxed)
        while known < end {
            let (exchanged, original) = writtenThrough.compareExchange(expected: known, desired: end, ordering: .relaxed)
            if exchanged { return }
            known = original
        }
    }

    /// How far ahead of this server's clock a sample may be stamped, in milliseconds (as for
    /// imports: `BackfillSink`): clocks a little apart are fine, a target whose clock is wrong
    /// by more must not stop its series from counting until our clock catches up.
    public static let maximumAhead: Int64 = 5 * 60_000

    /// Folds observations in; the first call waits until the stored baselines are resumed, so a
    /// scrape that races the start cannot make a fresh baseline and lose the restart's increase.
    /// Runs where its caller runs (a scrape loop on its connection's event loop): only the first
    /// calls wait for the pipeline, the rest take the accumulator's lock and return. Samples
    /// stamped more than `maximumAhead` after now, outside `SampleTime`, or of series that cannot
    /// be stored are dropped; returns how many, and why.
    @discardableResult
    /// A `source` (`push`, `remote_write`) adds at most `newSeriesBudget` new series.
    nonisolated(nonsending) public func ingest(_ observations: [SampleMapper.Observation], source: String? = nil) async
        -> MinuteAccumulator.Dropped
    {
        if let dropped = ingestIfResumed(observations, source: source) { return dropped }
        await resumeBaselines()
        return ingestIfResumed(observations, source: source) ?? .init()
    }

    /// `ingest` without waiting, for callers on an event loop: nil (and nothing taken) while the
    /// stored baselines are not yet resumed; then the caller goes the way of `ingest`.
    nonisolated func ingestIfResumed(_ observations: [SampleMapper.Observation], source: String? = nil) -> MinuteAccumulator.Dropped? {
        guard baselinesResumed.load(ordering: .acquiring) else { return nil }
        let time = now()
        let budget = source == nil ? nil : newSeriesBudget
        return accumulator.withLock { $0.observe(observations, notAfter: time + Self.maximumAhead, source: source, budget: budget, now: time) }
    }

    /// The one read of stored baselines, shared by every caller that arrives while it runs.
    var resuming: Task<[(SeriesKey, Double, Int64)]?, Never>?
    nonisolated let baselinesResumed = Atomic(false)

    /// Resumes counter baselines from the last six hours of stored minutes, once.
    public func resumeBaselines() async {
        guard !baselinesResumed.load(ordering: .acquiring) else { return }
        guard let writer else {
            baselinesResumed.store(true, ordering: .releasing)
            return
        }
        let since = now() - 6 * 3_600_000
        let timeout = writeTimeout
        let task = resuming ?? Task { try? await withDeadline(timeout) { try await writer.latestValues(since: since) } }
        resuming = task
        let latest = await task.value
        guard !baselinesResumed.load(ordering: .acquiring) else { return }
        seedFromSpool()
        defer { baselinesResumed.store(true, ordering: .releasing) }
        guard let latest else {
            logger.warning("could not read stored baselines; counters restart from their next sample")
            return
        }
        accumulator.withLock { accumulator in
            for (series, value, at) in latest { accumulator.seed(series, value: value, at: at) }
        }
        if !latest.isEmpty { logger.info("counter baselines resumed from the database", metadata: ["series": "\(latest.count)"]) }
    }

    /// Rows still in the spool are newer than what the database holds: their values are
    /// baselines too (else the increase they hold would be counted again after them).
    func seedFromSpool() {
        guard let spool, !spool.isEmpty, let contents = try? spool.read() else { return }
        var seeded = 0
        for record in contents.records {
            guard let rows = try? SpoolPayload.decode(record) else { continue }
            accumulator.withLock { accumulator in
                for row in rows where row.series.kind.countsIncreases {
                    accumulator.seed(row.series, value: row.last, at: row.lastTimestamp)
                    seeded += 1
                }
            }
        }
        if seeded > 0 { logger.info("counter baselines resumed from the spool", metadata: ["rows": "\(seeded)"]) }
    }

    /// Closes the minutes that have ended and writes them, after whatever the spool holds.
    /// Returns the number of rows written to the database.
    /// Flushes run one after another, never interleaved: a second one waits for the first (a
    /// write that is under way must not see its rows or the spool change beneath it).
    @discardableResult
    public func flush() async -> Int {
        let previous = lastFlush
        let task = Task {
            _ = await previous?.value; return await self.flushInOrder()
        }
        lastFlush = task
        return await task.value
    }

    /// The flush asked for most recently (the next one starts after it).
    var lastFlush: Task<Int, Never>?

    /// One flush: does what `plan` decides, step by step, and tells it how each went.
    func flushInOrder() async -> Int {
        let time = now()
        // Scrapes wait for the lock only while the closed minutes are taken out.
        let taken = accumulator.withLock { $0.takeClosed(now: time) }
        // Memory goes back once a minute, when a minute was closed and written: after every
        // flush, the pages given back would be faulted in again at once.
        defer { if !taken.isEmpty { ProcessMemory.releaseFree() } }
        defer { pendingCount.store(plan.pending.count, ordering: .relaxed) }
        var action = plan.start(closedIsEmpty: taken.isEmpty, spoolIsEmpty: spool?.isEmpty ?? true)
        while true {
            switch action {
            case .writeCells:
                // The usual case, nothing waiting before them: the minutes go from their cells
                // straight to blocks, with no row made.
                action = await writeCells(taken)
            case .makeRows:
                action = plan.rowsMade(taken.rows())
                // Seen by `health()` while the writes below wait on the database.
                pendingCount.store(plan.pending.count, ordering: .relaxed)
            case .drop(let rows):
                logger.error("rows dropped: the database is away and the spool cannot take them", metadata: ["rows": "\(rows)"])
                instruments.dropped.increment(by: Int64(rows))
                action = plan.dropReported()
            case .replaySpool:
                guard let writer, let spool else { preconditionFailure("a replay without a spool") }
                action = plan.replayed(await replay(spool, into: writer))
            case .writeRows(let batch):
                guard let writer else { preconditionFailure("a write without a writer") }
                do {
                    // One call for everything closed: a minute's rows must reach the writer
                    // together, as it stores each group of series' minute as one block.
                    try await write(batch, with: writer)
                    action = plan.rowsWritten()
                } catch {
                    action = plan.rowsFailed()
                }
            case .spool(let rows, let databaseAway):
                if databaseAway {
                    instruments.unavailable.increment()
                    logger.warning("rollup write failed; rows go to the spool", metadata: ["rows": "\(rows.count)"])
                }
                action = plan.spooled(spoolRows(rows))
            case .fold:
                if let writer { await foldDue(writer) }
                action = plan.folded()
            case .finish(let written):
                return written
            }
        }
    }

    /// The closed minutes written from their cells; what the plan does next.
    func writeCells(_ taken: ClosedMinutes) async -> FlushPlan<MinuteRow>.Action {
        guard let writer else { preconditionFailure("a write without a writer") }
        let cells = taken.cellCount
        do {
            guard let found = try await withDeadline(writeTimeout(for: cells), { try await writer.write(taken) }) else {
                // A minute of an hour already complete: written as rows, which refolds it.
                return plan.cellsNeedRows()
            }
            accumulator.withLock { $0.remember(found, of: taken) }
            if let newest = taken.minutes.last?.start { wrote(through: newest + MinuteTime.length) }
            return plan.cellsWritten(cells)
        } catch  where DataRefusal.reason(error) != nil {
            // Refused for what some cell holds: written as rows, which finds the refused ones,
            // quarantines them and counts the refusal once.
            return plan.cellsNeedRows()
        } catch {
            return plan.cellsFailed()
        }
    }

    /// One batch, given up after `writeTimeout` per 50,000 rows: the driver may wait long for a
    /// dead server. Rows the database refuses for their content are quarantined, the rest
    /// written (`RollupWriter.writeIsolating`); only a database away throws.
    package func write(_ rows: [MinuteRow], with writer: RollupWriter) async throws {
        let quarantined = try await withDeadline(writeTimeout(for: rows.count)) { try await writer.writeIsolating(rows) }
        if quarantined > 0 {
            instruments.refused.increment()
            instruments.quarantined.increment(by: Int64(quarantined))
        }
        if let newest = rows.lazy.map(\.minute).max() { wrote(through: newest + MinuteTime.length) }
    }

    func writeTimeout(for rows: Int) -> Duration { writeTimeout * (1 + rows / 50_000) }

    /// Folds the hours and days that have ended. Not bound by `writeTimeout`: folding a whole hour
    /// of a large installation takes a while, and what fails stays pending for the next flush.
    package func foldDue(_ writer: RollupWriter) async {
        do {
            try await writer.foldDue(now: now())
        } catch is CancellationError where Task.isCancelled {
            // Stopping: what was not folded stays pending and is folded after the next start.
            logger.debug("folding ended hours stopped by shutdown; pending until the next start")
        } catch {
            logger.warning("folding ended hours failed; retried at the next flush", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// Appends rows to the spool; false (they stay in memory) without a spool or if it fails.
    func spoolRows(_ rows: [MinuteRow]) -> Bool {
        guard let spool else { return false }
        do {
            for record in try SpoolPayload.records(of: rows[...]) { try spool.append(record) }
            return true
        } catch {
            logger.error("cannot spool rows; they stay in memory", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Writes every spooled record, oldest first, then empties the spool. Nil if the database
    /// is away (the spool is kept; rows already written are simply written again next time,
    /// which changes nothing). A record that cannot be read back is moved to a file beside the
    /// spool and the rest replayed: nothing in the spool can hold back what comes after it.
    func replay(_ spool: Spool, into writer: RollupWriter) async -> Int? {
        let contents: Spool.Contents
        do {
            contents = try spool.read()
        } catch {
            logger.error("cannot read the spool", metadata: ["error": "\(error)"])
            return nil
        }
        if let torn = contents.tornAt {
            logger.warning(
                "the spool ends in a damaged record (a crash while writing it); it is skipped",
                metadata: ["path": "\(spool.path)", "offset": "\(torn)", "bytes": "\(contents.size - torn)"])
        }
        var written = 0
        do {
            for record in contents.records {
                guard let rows = try? SpoolPayload.decode(record) else {
                    setAside(record, of: spool)
                    continue
                }
                try await write(rows, with: writer)
                written += rows.count
            }
            try spool.clear()
        } catch {
            if !replayFailing {
                logger.warning(
                    "the spool cannot be replayed yet; retried at every flush",
                    metadata: ["path": "\(spool.path)", "bytes": "\(contents.size)", "error": "\(DatabaseErrorText.describe(error))"])
            }
            replayFailing = true
            instruments.unavailable.increment()
            return nil
        }
        if replayFailing { logger.info("the spool replays again") }
        replayFailing = false
        if written > 0 { logger.info("spooled rows replayed", metadata: ["rows": "\(written)"]) }
        return written
    }

    /// Keeps a spool record that cannot be decoded in `<spool>.undecodable`, for inspection.
    func setAside(_ record: [UInt8], of spool: Spool) {
        let aside = Spool(path: spool.path + ".undecodable")
        do {
            try aside.append(record)
            logger.error(
                "a spool record could not be decoded; it was moved aside and the rest replayed",
                metadata: ["path": "\(aside.path)", "bytes": "\(record.count)"])
        } catch {
            logger.error("a spool record could not be decoded nor moved aside; it is dropped", metadata: ["error": "\(error)"])
        }
        instruments.dropped.increment()
    }
}
