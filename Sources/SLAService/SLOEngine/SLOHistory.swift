import Config
import Core
import CoreMetrics
import Logging
import PostgresNIO
import Storage

/// Keeps `slo_status` true after history changes underneath it (an import): every stored
/// evaluation from the oldest imported sample on was made without that data, so those rows are
/// replaced by evaluations at each UTC day's end, and at each hour's end for the last day, from
/// then until now. Moments between are not stored again (`hms-ops slo status --at` evaluates any
/// moment from the rollups anyway); the running server stores every minute from now on, its
/// snapshot already reading the new rows.
public enum SLOHistory {
    /// Returns how many (SLO, hour) evaluations were stored.
    @discardableResult
    public static func recompute(
        _ services: [ServiceDefinition], postgres: PostgresClient, from oldest: Int64?, logger: Logger, now: Int64 = WallClock.now()
    ) async throws -> Int {
        guard let oldest, services.contains(where: { !$0.slos.isEmpty }) else { return 0 }
        try await SLOTables(postgres: postgres, logger: logger).forgetEvaluations(from: oldest)
        let evaluator = SLOSnapshotService(
            services: services, postgres: postgres, store: SLOSnapshotStore(), metrics: NOOPMetricsHandler.instance, logger: logger,
            summarizePeriods: false)
        let hour: Int64 = 3_600_000, day: Int64 = 86_400_000
        let lastDay = now - day
        var points = Array(stride(from: RangePlan.floor(oldest, day) + day, through: lastDay, by: Int(day)))
        points += stride(from: RangePlan.floor(max(oldest, lastDay), hour) + hour, through: now, by: Int(hour))
        var stored = 0
        for point in points {
            let snapshot = try await evaluator.evaluate(at: point)
            try await evaluator.persist(snapshot)
            stored += snapshot.entries.filter { $0.status != nil }.count
        }
        return stored
    }
}
