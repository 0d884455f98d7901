import ArgumentParser
import SLAService

/// `hms-ops check ...`: validate inputs without running anything.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check configuration and other inputs.",
        subcommands: [CheckConfigCommand.self])
}

/// `hms-ops check config FILE`: every problem with file:line:column, exit 0 or 1.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Validate a hms-ops.yaml; exit 0 when it is valid, 1 when not.")

    @Argument(help: "The configuration file.")
    var file: String

    func run() throws {
        let config = try loadConfigOrExit(file)
        let slos = config.services.reduce(0) { $0 + $1.slos.count }
        Output.line("\(file): valid (\(config.services.count) service\(config.services.count == 1 ? "" : "s"), \(slos) SLO\(slos == 1 ? "" : "s"))")
    }
}
