import Config
import Core
import Ingest
import Logging
import Storage

/// Where imported samples go, whatever their source: folded in time order per series into the
/// minute rows the collector writes, within retention, written in batches as backfill (stored
/// minutes win), then every hour and day touched is folded.
public struct BackfillSink {
    package let writer: RollupWriter
    /// Samples before this (milliseconds) are past retention.
    package let oldest: Int64
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

    package mutating func write(_ rows: [MinuteRow]) async throws {
        for start in stride(from: 0, to: rows.count, by: batchRows) {
            try await writer.write(Array(rows[start..<min(start + batchRows, rows.count)]), mode: .backfill(now: now))
        }
        summary.rows += rows.count
        summary.outOfOrder = accumulator.outOfOrder
        summary.series = accumulator.seriesCount
        summary.imported = summary.samples - summary.tooOld - summary.inFuture - summary.outOfOrder - summary.refused
    }
}
