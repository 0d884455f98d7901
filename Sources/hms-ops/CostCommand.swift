import ArgumentParser
import Config
import Core
import CostEngine
import Foundation
import Logging
import SLAService
import Storage

/// `hms-ops cost ...`: what services cost.
struct CostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost", abstract: "Price services' usage with their rate cards.", subcommands: [CostReportCommand.self])
}

/// `hms-ops cost report --service ID --month YYYY-MM [--json]`.
struct CostReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "A service's cost in one month: each component's quantity, rate and amount, and the total.")

    @Option(name: .long, help: "The service id.")
    var service: String

    @Option(name: .long, help: "The month, YYYY-MM, in the rate card's time zone.")
    var month: String

    @Flag(name: .long, help: "Print JSON (shape in docs/cost.md); every amount is a decimal string.")
    var json = false

    /// Without --config: the built-in demo configuration of `hms-ops up`.
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if CalendarMonth(parsing: month) == nil { throw ValidationError("--month must be YYYY-MM, such as 2026-10, got \(month)") }
    }

    func run() async throws {
        let settings = try database.settings(default: DemoConfig.make(demoPort: 8000))
        let month = CalendarMonth(parsing: month)!
        Output.bootstrapLogging(level: database.logLevel)
        let logger = Logger(label: "hms-ops")
        do {
            guard let definition = settings.services.first(where: { $0.id == service }) else {
                throw CostError.unknownService(service, known: settings.services.map(\.id))
            }
            let report = try await DatabaseSession.withClient(settings, mayCreate: false, logger: logger) { postgres in
                let costs = ServiceCosts(config: settings, postgres: postgres, logger: logger)
                let card = try costs.card(of: definition)
                let statement = try await costs.month(definition, month, now: WallClock.now())
                return CostReport(service: definition, month: month, card: card, statement: statement)
            }
            Output.line(json ? try report.json() : report.table())
        } catch {
            Output.error("error: \(UserFacingError.describe(error))")
            throw ExitCode(1)
        }
    }
}
