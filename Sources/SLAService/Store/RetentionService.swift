import Logging
import PostgresNIO
import ServiceLifecycle

/// Deletes rollup rows older than each level's retention, once an hour, in bounded batches so a
/// first run on a large table does not hold long locks.
public struct RetentionService: Service {
    let postgres: PostgresClient
    let retention: HMSConfig.Retention
    let logger: Logger

    public init(postgres: PostgresClient, retention: HMSConfig.Retention, logger: Logger) {
        self.postgres = postgres
        self.retention = retention
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                do {
                    try await prune(now: WallClock.now())
                } catch {
                    logger.notice("retention pass skipped; the database did not answer")
                }
                try? await Task.sleep(for: .seconds(3540))
            }
        }
    }

    /// Deletes what is older than the retention at `now`; returns the rows deleted per table.
    @discardableResult
    public func prune(now: Int64) async throws -> [String: Int] {
        var deleted: [String: Int] = [:]
        for (table, keep) in [("rollup_1m", retention.minute), ("rollup_1h", retention.hour), ("rollup_1d", retention.day)] {
            var binds = PostgresBindings()
            binds.append(now - keep.milliseconds)
            // Table names are our constants; the cutoff is bound.
            let batch = PostgresQuery(
                unsafeSQL: """
                    WITH old AS (SELECT ctid FROM \(table) WHERE bucket < to_timestamp($1 / 1000.0) LIMIT 50000),
                         gone AS (DELETE FROM \(table) WHERE ctid IN (SELECT ctid FROM old) RETURNING 1)
                    SELECT count(*)::int8 FROM gone
                    """, binds: binds)
            var total = 0
            while !Task.isCancelled {
                var removed = 0
                for try await n in try await postgres.query(batch, logger: logger).decode(Int64.self) { removed = Int(n) }
                total += removed
                if removed < 50000 { break }
            }
            deleted[table] = total
            if total > 0 { logger.info("old rollup rows deleted", metadata: ["table": "\(table)", "rows": "\(total)"]) }
        }
        return deleted
    }
}
