import PostgresNIO

/// Whether the database refused a statement for the data it carried, as opposed to being away:
/// the same rows would fail again, so retrying them (or spooling them to retry later) would stop
/// every write behind them for good. SQLSTATE classes 21 (cardinality), 22 (data exception:
/// a character it cannot store, a number out of range), 23 (integrity) and 54 (a limit).
enum RowRefusal {
    static let classes: Set<Substring> = ["21", "22", "23", "54"]

    /// The database's reason when `error` is such a refusal; nil for anything else.
    static func reason(_ error: any Error) -> String? {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState], classes.contains(state.prefix(2)) else {
            return nil
        }
        return "\(state): \(error.serverInfo?[.message] ?? "refused")"
    }
}
