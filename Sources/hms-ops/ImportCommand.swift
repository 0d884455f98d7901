import ArgumentParser

/// `hms-ops import ...`: backfill history, so SLAs and costs have their windows from day one.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import metric history from an OpenMetrics file or a running Prometheus.",
        discussion: """
            Minutes the collector (or an earlier import) already stored are kept: an import fills \
            only minutes with no row, so importing again, or beside a running collector, never \
            counts anything twice.
            """,
        subcommands: [ImportOpenMetricsCommand.self, ImportPrometheusCommand.self])
}
