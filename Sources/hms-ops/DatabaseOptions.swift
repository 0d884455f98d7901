import ArgumentParser
import Config
import Logging

/// Where a one-shot command finds its configuration and database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "A hms-ops.yaml: its database_url (or data_dir), retention and services.")
    var config: String?

    @Option(name: .long, help: "Data directory of the embedded database (default .hms-ops, or data_dir in the config).")
    var dataDir: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .warning

    /// The configuration file's settings, or `fallback` without one; `--data-dir` applied.
    func settings(default fallback: @autoclosure () -> HMSConfig) throws -> HMSConfig {
        var settings = try config.map(loadConfigOrExit) ?? fallback()
        if let dataDir { settings.dataDirectory = dataDir }
        return settings
    }
}
