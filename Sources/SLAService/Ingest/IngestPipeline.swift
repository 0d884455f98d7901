import Foundation
import Logging
import ServiceLifecycle

/// Where every scrape, probe and push ends: one accumulator, flushed to PostgreSQL as minutes
/// close. Rows that cannot be written stay queued (bounded) and go out with the next flush.
public actor IngestPipeline {
    var accumulator: MinuteAccumulator
    let writer: RollupWriter?
    let logger: Logger
    let now: @Sendable () -> Int64
    /// Closed rows waiting to be written, oldest first.
    var pending: [MinuteAccumulator.Row] = []
    /// Rows kept at most while the database is away; beyond that the oldest are dropped (counted).
    let pendingLimit: Int
    public private(set) var droppedRows = 0
    public private(set) var writtenRows = 0

    public init(
        writer: RollupWriter?, grace: Int64 = 20_000, pendingLimit: Int = 2_000_000, logger: Logger,
        now: @escaping @Sendable () -> Int64 = { TargetChecker.epochMilliseconds() }
    ) {
        self.accumulator = MinuteAccumulator(grace: grace)
        self.writer = writer
        self.pendingLimit = pendingLimit
        self.logger = logger
        self.now = now
    }

    public func ingest(_ observations: [SampleMapper.Observation]) {
        for o in observations { accumulator.observe(o.series, value: o.value, at: o.at) }
    }

    /// Resumes counter baselines from the last six hours of stored minutes.
    public func resumeBaselines() async {
        guard let writer else { return }
        do {
            let latest = try await writer.latestValues(since: now() - 6 * 3_600_000)
            for (series, value, at) in latest { accumulator.seed(series, value: value, at: at) }
            if !latest.isEmpty { logger.info("counter baselines resumed from the database", metadata: ["series": "\(latest.count)"]) }
        } catch {
            logger.warning("could not read stored baselines; counters restart from their next sample")
        }
    }

    /// Closes the minutes that have ended and writes everything pending.
    @discardableResult
    public func flush() async -> Int {
        pending += accumulator.close(now: now())
        if pending.count > pendingLimit {
            droppedRows += pending.count - pendingLimit
            pending.removeFirst(pending.count - pendingLimit)
        }
        guard let writer, !pending.isEmpty else { return 0 }
        let batch = pending
        do {
            for start in stride(from: 0, to: batch.count, by: 5_000) {
                try await writer.write(Array(batch[start..<min(start + 5_000, batch.count)]))
            }
            pending.removeFirst(batch.count)
            writtenRows += batch.count
            return batch.count
        } catch {
            logger.warning("rollup write failed; rows stay queued", metadata: ["rows": "\(pending.count)"])
            return 0
        }
    }
}

/// Flushes the pipeline every few seconds; on shutdown, one last flush of what has closed.
public struct IngestFlusher: Service {
    let pipeline: IngestPipeline
    let interval: Duration

    public init(pipeline: IngestPipeline, interval: Duration = .seconds(5)) {
        self.pipeline = pipeline
        self.interval = interval
    }

    public func run() async throws {
        await pipeline.resumeBaselines()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await pipeline.flush()
            }
        }
        await pipeline.flush()
    }
}
