import Backfill
import Config
import CostEngine
import Logging
import PostgresNIO
import SLOEngine
import Storage

// An import as the CLI runs it: into the database the configuration names, then the SLO
// evaluations and the cost quarters the imported history changes stored again.

/// After an import: the SLO evaluations from its oldest sample on, and the cost quarters of the
/// span it covered (old months' minutes are pruned within the hour; their quarters stay).
func recomputeAfter(_ imported: ImportSummary, config: HMSConfig, postgres: PostgresClient, logger: Logger) async throws -> ImportSummary {
    var summary = imported
    summary.sloHoursRecomputed = try await SLOHistory.recompute(config.services, postgres: postgres, from: summary.oldest, logger: logger)
    if let oldest = summary.oldest, let newest = summary.newest {
        try await ServiceCosts(config: config, postgres: postgres, logger: logger).recompute(from: oldest, to: newest + 60_000)
    }
    return summary
}

extension OpenMetricsImport {
    /// Imports into the database `config` names (or the embedded one), schema brought up to date first.
    public func run(config: HMSConfig, logger: Logger, progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> ImportSummary {
        try checkReadable()
        return try await DatabaseSession.withClient(config, logger: logger) { postgres in
            var sink = BackfillSink(writer: RollupWriter.forService(postgres: postgres, logger: logger), retention: config.retention)
            let summary = try await run(into: &sink, progress: progress)
            return try await recomputeAfter(summary, config: config, postgres: postgres, logger: logger)
        }
    }
}

extension PrometheusImport {
    /// Imports into the database `config` names (or the embedded one), schema brought up to date first.
    public func run(config: HMSConfig, logger: Logger, progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> ImportSummary {
        try await DatabaseSession.withClient(config, logger: logger) { postgres in
            var sink = BackfillSink(writer: RollupWriter.forService(postgres: postgres, logger: logger), retention: config.retention)
            let summary = try await run(into: &sink, postgres: postgres, logger: logger, progress: progress)
            return try await recomputeAfter(summary, config: config, postgres: postgres, logger: logger)
        }
    }
}
