import ArgumentParser
import Core
import Foundation
import Logging
import SLAService

/// `hms-ops`: the SLA, cost and reporting service. Each verb is its own command.
@main
struct HMSOpsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hms-ops",
        abstract: "Watches whether online services keep their promises, and what they cost.",
        version: "hms-ops \(Version.current)",
        subcommands: [
            UpCommand.self, ServeCommand.self, CheckCommand.self, ImportCommand.self, SLOCommand.self, CostCommand.self, PurgeCommand.self,
            DemoServiceCommand.self,
        ]
    )

    /// Parses and runs, mapping usage errors to exit code 2 as our CLI promises.
    static func main() async {
        ProcessMemory.limitArenas()
        if let verb = CommandLine.arguments.dropFirst().first, !verb.hasPrefix("-"), verb != "help", !verbs.contains(verb) {
            var message = "error: '\(verb)' is not an hms-ops command"
            if let nearest = nearest(to: verb) { message += "; did you mean '\(nearest)'?" }
            FileHandle.standardError.write(Data((message + "\nSee 'hms-ops --help' for the commands.\n").utf8))
            Foundation.exit(2)
        }
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

    /// The verbs `hms-ops` takes first.
    static var verbs: [String] { configuration.subcommands.map { $0._commandName } }

    /// The verb closest to `word` in edits, when it is close enough to be a slip.
    static func nearest(to word: String) -> String? {
        // Verbs, and the verbs under them by their own name (`status` is `slo status`).
        var candidates = verbs.map { ($0, $0) }
        for command in configuration.subcommands {
            for sub in command.configuration.subcommands { candidates.append((sub._commandName, command._commandName + " " + sub._commandName)) }
        }
        let scored = candidates.map { ($0.1, editDistance(Array(word.lowercased()), Array($0.0)), $0.0.count) }.min { $0.1 < $1.1 }
        guard let (verb, distance, length) = scored, distance <= max(2, length / 2) else { return nil }
        return verb
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() { current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))) }
            previous = current
        }
        return previous[b.count]
    }
}
