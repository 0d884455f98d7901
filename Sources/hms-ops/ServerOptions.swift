import ArgumentParser
import Config
import Core
import Foundation
import Logging
import Metrics
import Prometheus
import SLAService

/// Flags shared by the verbs that run a server.
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: "Port of the dashboard and API (default 9090, or listen.port in the config).")
    var port: Int?

    @Option(name: .long, help: "Data directory for the embedded database and spool (default .hms-ops).")
    var dataDir: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        if let port, !(1...65535).contains(port) { throw ValidationError("--port must be between 1 and 65535, got \(port)") }
    }

    func apply(to config: inout HMSConfig) {
        if let port { config.listen.port = port }
        if let dataDir { config.dataDirectory = dataDir }
    }
}

/// Loads a config file, printing its problems and exiting 1 if it has any.
func loadConfigOrExit(_ path: String) throws -> HMSConfig {
    do {
        return try ConfigLoader.load(path: path)
    } catch {
        throw reportProblems(error, in: path)
    }
}

/// Prints every problem of a file (`file:line:column: field: message`) and their count; the
/// exit code (1) to throw.
func reportProblems(_ errors: ConfigErrors, in path: String) -> ExitCode {
    for issue in errors.issues { Output.error(issue.description) }
    Output.error("\(path): \(errors.issues.count) problem\(errors.issues.count == 1 ? "" : "s") found")
    return ExitCode(1)
}

/// Runs a launcher with logging and metrics set up, turning known failures into one clear line.
func runLauncher(_ launcher: Launcher, logLevel: Logger.Level) async throws {
    Output.bootstrapLogging(level: logLevel)
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    let logger = Logger(label: "hms-ops")
    do {
        try await launcher.run(registry: registry, logger: logger)
    } catch {
        logger.debug("command failed", metadata: ["error": "\(String(reflecting: error))"])
        Output.error("error: \(UserFacingError.describe(error))")
        throw ExitCode(1)
    }
}
