import ArgumentParser
import Config
import DemoService
import SLAService

/// `hms-ops up`: everything on one machine, with demo data, for a first look.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start the embedded database, the demo service with traffic, the collector and the dashboard.")

    @OptionGroup var server: ServerOptions

    @Option(name: .long, help: "A hms-ops.yaml to serve instead of the built-in demo configuration.")
    var config: String?

    @Option(name: .long, help: "Port of the demo claim-scoring service.")
    var demoPort: Int = 8000

    func validate() throws {
        if !(1...65535).contains(demoPort) { throw ValidationError("--demo-port must be between 1 and 65535, got \(demoPort)") }
    }

    func run() async throws {
        var settings = try config.map(loadConfigOrExit) ?? DemoConfig.make(demoPort: demoPort)
        server.apply(to: &settings)
        let launcher = Launcher(
            config: settings, demo: DemoService.Options(port: demoPort)
        ) { url in
            Output.line("Dashboard running at \(url)")
        }
        try await runLauncher(launcher, logLevel: server.logLevel)
    }
}

/// `hms-ops serve`: the production server for a configuration file.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the services in a configuration file.")

    @OptionGroup var server: ServerOptions

    @Option(name: .long, help: "The hms-ops.yaml to serve.")
    var config: String

    func run() async throws {
        var settings = try loadConfigOrExit(config)
        server.apply(to: &settings)
        let launcher = Launcher(config: settings) { url in
            Output.line("Dashboard running at \(url)")
        }
        try await runLauncher(launcher, logLevel: server.logLevel)
    }
}
