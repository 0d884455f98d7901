import Logging
import PostgresNIO

/// Whether the database refused a statement for the data it carried or read, as opposed to being
/// away: the same statement would fail again, so retrying rows (or spooling them to retry later)
/// would stop every write behind them for good, and a figure read from such data is unknown.
/// SQLSTATE classes 21 (cardinality), 22 (data exception: a character it cannot store, a sum out
/// of range), 23 (integrity) and 54 (a limit).
package enum DataRefusal {
    static let classes: Set<Substring> = ["21", "22", "23", "54"]

    /// The database's reason when `error` is such a refusal; nil for anything else.
    package static func reason(_ error: any Error) -> String? {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState], classes.contains(state.prefix(2)) else {
            return nil
        }
        return "\(state): \(error.serverInfo?[.message] ?? "refused")"
    }

    /// `body`'s figures, or `unknown` when the database refuses to compute them from what it holds
    /// (two stored values whose sum is beyond a double: no page should go without every other
    /// figure for that). Other failures are thrown.
    package static func unknownIfRefused<T>(_ unknown: T, logger: Logger, what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            guard let reason = reason(error) else { throw error }
            logger.warning(
                "figures the database cannot compute from what it holds are unknown", metadata: ["what": "\(what)", "reason": "\(reason)"])
            return unknown
        }
    }
}
