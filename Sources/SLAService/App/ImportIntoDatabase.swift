import Backfill
import Config
import Logging
import SLOEngine
import Storage

// An import as the CLI runs it: into the database the configuration names, then the SLO
// evaluations the imported history changes stored again.

extension OpenMetricsImport {
    /// Imports into the database `config` names (or the embedded one), schema brought up to date first.
    public func run(config: HMSConfig, logger: Logger, progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> ImportSummary {
        try checkReadable()
        return try await DatabaseSession.withClient(config, logger: logger) { postgres in
            var sink = BackfillSink(writer: RollupWriter.forService(postgres: postgres, logger: logger), retention: config.retention)
            var summary = try await run(into: &sink, progress: progress)
            summary.sloHoursRecomputed = try await SLOHistory.recompute(config.services, postgres: postgres, from: summary.oldest, logger: logger)
            return summary
        }
    }
}

extension PrometheusImport {
    /// Imports into the database `config` names (or the embedded one), schema brought up to date first.
    public func run(config: HMSConfig, logger: Logger, progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> ImportSummary {
        try await DatabaseSession.withClient(config, logger: logger) { postgres in
            var sink = BackfillSink(writer: RollupWriter.forService(postgres: postgres, logger: logger), retention: config.retention)
            var summary = try await run(into: &sink, postgres: postgres, logger: logger, progress: progress)
            summary.sloHoursRecomputed = try await SLOHistory.recompute(config.services, postgres: postgres, from: summary.oldest, logger: logger)
            return summary
        }
    }
}
