import Logging
import PostgresNIO
import SLOEngine
import Storage

extension RollupWriter {
    /// The writer the server and the imports use: hours refolded because minutes came late lose
    /// the SLO tallies made of them (the SLO engine makes them again when next asked).
    package static func forService(postgres: PostgresClient, logger: Logger) -> RollupWriter {
        RollupWriter(postgres: postgres, logger: logger) { hours in
            try await SLOHourTallies.forget(lateHours: hours, postgres: postgres, logger: logger)
        }
    }
}
