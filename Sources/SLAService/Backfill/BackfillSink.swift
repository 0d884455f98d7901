import Logging

/// What an import read and what it did with it.
public struct ImportSummary: Sendable, Equatable {
    /// Samples read from the source.
    public var samples = 0
    /// Samples folded into rollups.
    public var imported = 0
    /// Samples older than the longest retention: skipped.
    public var tooOld = 0
    /// Samples more than five minutes ahead of the clock: skipped.
    public var inFuture = 0
    /// Samples not newer than their series' previous one (repeated or out of order): skipped.
    public var outOfOrder = 0
    /// Samples of series that cannot be stored (`SeriesLimits`): skipped.
    public var refused = 0
    /// Why the first refused sample was refused.
    public var refusal: String?
    /// What the file seems to be, when that explains why nothing was imported.
    public var hint: String?
    /// Minute rows sent to the database (minutes already stored keep their rows).
    public var rows = 0
    /// Distinct series.
    public var series = 0
    /// The oldest and newest imported sample (milliseconds); nil when none was imported.
    public var oldest: Int64?
    public var newest: Int64?
    /// SLO evaluations stored again for the hours the import changed (`slo_status`).
    public var sloHoursRecomputed = 0

    public init() {}
}

/// Where imported samples go, whatever their source: folded in time order per series into the
/// minute rows the collector writes, within retention, written in batches as backfill (stored
/// minutes win), then every hour and day touched is folded.
public struct BackfillSink {
    let writer: RollupWriter
    /// Samples before this (milliseconds) are past retention.
    let oldest: Int64
    /// Samples after this are in the future.
    let newest: Int64
    let now: Int64
    var accumulator = OrderedAccumulator()
    public private(set) var summary = ImportSummary()
    /// Rows per statement.
    let batchRows: Int

    public init(writer: RollupWriter, retention: HMSConfig.Retention, now: Int64 = WallClock.now(), batchRows: Int = 10_000) {
        self.writer = writer
        self.now = now
        let longest = max(retention.minute.milliseconds, retention.hour.milliseconds, retention.day.milliseconds)
        oldest = max(SampleTime.earliest, now - longest)
        newest = now + IngestPipeline.maximumAhead
        self.batchRows = batchRows
    }

    /// Takes one sample; writes a batch once enough minutes are complete.
    public mutating func add(_ series: SeriesKey, value: Double, at ms: Int64) async throws {
        summary.samples += 1
        if ms < oldest {
            summary.tooOld += 1
        } else if ms > newest {
            summary.inFuture += 1
        } else if let problem = accumulator.observe(series, value: value, at: ms) {
            summary.refused += 1
            if summary.refusal == nil { summary.refusal = problem }
        } else {
            summary.oldest = min(summary.oldest ?? ms, ms)
            summary.newest = max(summary.newest ?? ms, ms)
        }
        if accumulator.readyCount >= batchRows { try await write(accumulator.takeReady()) }
    }

    /// Writes every minute still open: call it only where no later sample can fall in them (at a
    /// minute boundary of the source, or at its end).
    public mutating func closeMinutes() async throws {
        try await write(accumulator.takeAll())
    }

    /// Writes what is left and folds every hour and day the import touched.
    public mutating func finish() async throws -> ImportSummary {
        try await closeMinutes()
        try await writer.foldDue(now: now)
        return summary
    }

    mutating func write(_ rows: [MinuteAccumulator.Row]) async throws {
        for start in stride(from: 0, to: rows.count, by: batchRows) {
            try await writer.write(Array(rows[start..<min(start + batchRows, rows.count)]), mode: .backfill(now: now))
        }
        summary.rows += rows.count
        summary.outOfOrder = accumulator.outOfOrder
        summary.series = accumulator.seriesCount
        summary.imported = summary.samples - summary.tooOld - summary.inFuture - summary.outOfOrder - summary.refused
    }
}

extension OpenMetricsImport {
    /// Imports into the database `config` names (or the embedded one), schema brought up to date first.
    public func run(config: HMSConfig, logger: Logger, progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> ImportSummary {
        try checkReadable()
        return try await DatabaseSession.withClient(config, logger: logger) { postgres in
            var sink = BackfillSink(writer: RollupWriter(postgres: postgres, logger: logger), retention: config.retention)
            var summary = try await run(into: &sink, progress: progress)
            summary.sloHoursRecomputed = try await SLOHistory.recompute(config.services, postgres: postgres, after: summary, logger: logger)
            return summary
        }
    }
}

extension PrometheusImport {
    /// Imports into the database `config` names (or the embedded one), schema brought up to date first.
    public func run(config: HMSConfig, logger: Logger, progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> ImportSummary {
        try await DatabaseSession.withClient(config, logger: logger) { postgres in
            var sink = BackfillSink(writer: RollupWriter(postgres: postgres, logger: logger), retention: config.retention)
            var summary = try await run(into: &sink, postgres: postgres, logger: logger, progress: progress)
            summary.sloHoursRecomputed = try await SLOHistory.recompute(config.services, postgres: postgres, after: summary, logger: logger)
            return summary
        }
    }
}
