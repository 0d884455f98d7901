import ArgumentParser
import Core
import SLAService
import Storage

/// `hms-ops purge --data-dir DIR`: removes a data directory and its embedded cluster, also when
/// the cluster lives elsewhere (under /var/lib/hms-ops when `postgres` cannot reach DIR).
struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Remove a data directory and its embedded database, wherever the database lives (stop hms-ops first).")

    @Option(name: .long, help: "The data directory to remove, e.g. .hms-ops.")
    var dataDir: String

    func run() async throws {
        do {
            for path in try EmbeddedPostgres.purge(dataDirectory: dataDir) { Output.line("removed \(path)") }
        } catch {
            Output.error("error: \(UserFacingError.describe(error))")
            throw ExitCode(1)
        }
    }
}
