import Config
import Core
import Logging
import PostgresNIO
import ServiceLifecycle

/// Deletes rollup rows older than each level's retention (and thins stored SLO evaluations the
/// same way), once an hour, in bounded batches so a
/// first run on a large table does not hold long locks.
public struct RetentionService: Service {
    package let postgres: PostgresClient
    package let retention: HMSConfig.Retention
    package let logger: Logger

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

    /// What one table loses: rows matching `condition` (given the placeholders its `cutoffs`
    /// are bound to), `batch` at a time; `rows` counts what each deleted row held, reported
    /// under `name`.
    struct Prune {
        package var name: String
        package var table: String
        package var condition: @Sendable ([String]) -> String
        var cutoffs: [Int64]
        package var batch = 50_000
        package var rows = "1"
    }

    /// Deletes what is older than the retention at `now`; returns the rows deleted per table.
    @discardableResult
    public func prune(now: Int64) async throws -> [String: Int] {
        var deleted: [String: Int] = [:]
        // Stored SLO evaluations thin out like the rollups: every minute for the minute
        // retention, on the hour for the hour retention, at UTC midnight for the day retention.
        let thinning: @Sendable ([String]) -> String = { at in
            """
            (at < to_timestamp(\(at[0]) / 1000.0) AND extract(minute FROM at) <> 0)
            OR (at < to_timestamp(\(at[1]) / 1000.0) AND (extract(hour FROM at AT TIME ZONE 'UTC') <> 0 OR extract(minute FROM at) <> 0))
            OR at < to_timestamp(\(at[2]) / 1000.0)
            """
        }
        let cutoffs = [retention.minute, retention.hour, retention.day].map { now - $0.milliseconds }
        let before: @Sendable ([String]) -> String = { "bucket < to_timestamp(\($0[0]) / 1000.0)" }
        // Minutes are `rollup_1m`: imported rows and the collector's blocks (counted by the rows
        // they hold, and deleted a few hundred at a time: each holds up to 256).
        let plans: [Prune] = [
            Prune(name: "rollup_1m", table: "minute_row", condition: before, cutoffs: [cutoffs[0]]),
            Prune(
                name: "rollup_1m", table: "minute_block", condition: before, cutoffs: [cutoffs[0]], batch: 500,
                rows: "cardinality(array_remove(count, 0))"),
            Prune(name: "rollup_1h", table: "rollup_1h", condition: before, cutoffs: [cutoffs[1]]),
            Prune(name: "rollup_1d", table: "rollup_1d", condition: before, cutoffs: [cutoffs[2]]),
            Prune(name: "slo_status", table: "slo_status", condition: thinning, cutoffs: cutoffs),
            Prune(name: "slo_hour_tally", table: "slo_hour_tally", condition: { "hour < to_timestamp(\($0[0]) / 1000.0)" }, cutoffs: [cutoffs[2]]),
            Prune(name: "cost_usage", table: "cost_usage", condition: before, cutoffs: [cutoffs[2]]),
        ]
        for plan in plans {
            var sql = SQLBuilder()
            let placeholders = plan.cutoffs.map { sql.bind($0) }
            // Table names, conditions and counts are our constants; the cutoffs are bound.
            sql.append(
                """
                WITH old AS (SELECT ctid FROM \(plan.table) WHERE \(plan.condition(placeholders)) LIMIT \(plan.batch)),
                     gone AS (DELETE FROM \(plan.table) WHERE ctid IN (SELECT ctid FROM old) RETURNING \(plan.rows) AS n)
                SELECT count(*)::int8, coalesce(sum(n), 0)::int8 FROM gone
                """)
            let batch = sql.query
            var total = 0
            while !Task.isCancelled {
                var removed = 0
                for try await (n, rows) in try await postgres.query(batch, logger: logger).decode((Int64, Int64).self) {
                    removed = Int(n)
                    total += Int(rows)
                }
                if removed < plan.batch { break }
            }
            deleted[plan.name, default: 0] += total
            if total > 0 { logger.info("old rows deleted", metadata: ["table": "\(plan.name)", "rows": "\(total)"]) }
        }
        return deleted
    }
}
