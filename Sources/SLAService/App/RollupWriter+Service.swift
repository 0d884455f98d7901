import CostEngine
import Logging
import PostgresNIO
import SLOEngine
import Storage

extension RollupWriter {
    /// The writer the server and the imports use: hours refolded because minutes came late lose
    /// the SLO tallies and cost quarters made of them (made again when next asked).
    package static func forService(postgres: PostgresClient, logger: Logger) -> RollupWriter {
        RollupWriter(postgres: postgres, logger: logger) { hours in
            try await SLOHourTallies.forget(lateHours: hours, postgres: postgres, logger: logger)
            try await CostTallies.forget(lateHours: hours, postgres: postgres, logger: logger)
        }
    }
}
