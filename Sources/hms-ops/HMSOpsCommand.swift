import ArgumentParser
import Foundation
import Logging
import SLAService

/// `hms-ops`: the SLA, cost and reporting service. Each verb is its own command.
@main
struct HMSOpsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hms-ops",
        abstract: "Watches whether online services keep their promises, and what they cost.",
        subcommands: [UpCommand.self, ServeCommand.self, CheckCommand.self, ImportCommand.self, SLOCommand.self, DemoServiceCommand.self]
    )

    /// Parses and runs, mapping usage errors to exit code 2 as our CLI promises.
    static func main() async {
        ProcessMemory.limitArenas()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
