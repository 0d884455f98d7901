import Logging
import PostgresNIO
import ServiceLifecycle

/// Deletes rollup rows older than each level's retention (and thins stored SLO evaluations the
/// same way), once an hour, in bounded batches so a
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
        // Stored SLO evaluations thin out like the rollups: every minute for the minute
        // retention, on the hour for the hour retention, at UTC midnight for the day retention.
        let thinning = """
            (at < to_timestamp($1 / 1000.0) AND extract(minute FROM at) <> 0)
            OR (at < to_timestamp($2 / 1000.0) AND (extract(hour FROM at AT TIME ZONE 'UTC') <> 0 OR extract(minute FROM at) <> 0))
            OR at < to_timestamp($3 / 1000.0)
            """
        let cutoffs = [retention.minute, retention.hour, retention.day].map { now - $0.milliseconds }
        let plans: [(table: String, condition: String, cutoffs: [Int64])] = [
            ("rollup_1m", "bucket < to_timestamp($1 / 1000.0)", [cutoffs[0]]), ("rollup_1h", "bucket < to_timestamp($1 / 1000.0)", [cutoffs[1]]),
            ("rollup_1d", "bucket < to_timestamp($1 / 1000.0)", [cutoffs[2]]), ("slo_status", thinning, cutoffs),
            ("slo_hour_tally", "hour < to_timestamp($1 / 1000.0)", [cutoffs[2]]),
        ]
        for (table, condition, bounds) in plans {
            var binds = PostgresBindings()
            for bound in bounds { binds.append(bound) }
            // Table names and conditions are our constants; the cutoffs are bound.
            let batch = PostgresQuery(
                unsafeSQL: """
                    WITH old AS (SELECT ctid FROM \(table) WHERE \(condition) LIMIT 50000),
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
            if total > 0 { logger.info("old rows deleted", metadata: ["table": "\(table)", "rows": "\(total)"]) }
        }
        return deleted
    }
}
