import ArgumentParser
import Config
import Core
import Foundation
import Logging
import SLAService
import SLOEngine
import Storage

/// `hms-ops slo ...`: what the SLOs say.
struct SLOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slo", abstract: "Evaluate service level objectives.", subcommands: [SLOStatusCommand.self])
}

/// `hms-ops slo status --service ID [--slo ID] [--at TIME] [--json]`.
struct SLOStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Attainment, error budget, burn rates and alert conditions of a service's SLOs, now or as of a past time.")

    @Option(name: .long, help: "The service id.")
    var service: String

    @Option(name: .long, help: "One SLO id (default: all of the service's).")
    var slo: String?

    @Option(name: .long, help: "As of this time: RFC 3339 (2026-10-31T12:00:00Z) or Unix seconds (default: now).")
    var at: String?

    @Flag(name: .long, help: "Print a JSON array, one object per SLO (shape in docs/slo.md).")
    var json = false

    /// Without --config: the built-in demo configuration of `hms-ops up`.
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if let at, TimeText.milliseconds(at) == nil { throw ValidationError("--at must be RFC 3339 or Unix seconds, got \(at)") }
    }

    func run() async throws {
        let settings = try database.settings(default: DemoConfig.make(demoPort: 8000))
        guard let definition = settings.services.first(where: { $0.id == service }) else {
            Output.error("error: no service '\(service)' in the configuration; known: \(settings.services.map(\.id).joined(separator: ", "))")
            throw ExitCode(1)
        }
        let slos = definition.slos.filter { slo == nil || $0.id == slo }
        guard !slos.isEmpty else {
            Output.error(
                "error: "
                    + (slo.map { "service '\(service)' has no SLO '\($0)'; known: \(definition.slos.map(\.id).joined(separator: ", "))" }
                        ?? "service '\(service)' has no SLOs"))
            throw ExitCode(1)
        }
        let moment = at.flatMap(TimeText.milliseconds) ?? WallClock.now()
        Output.bootstrapLogging(level: database.logLevel)
        let logger = Logger(label: "hms-ops")
        let statuses: [SLOStatus]
        do {
            statuses = try await DatabaseSession.withClient(settings, mayCreate: false, logger: logger) { postgres in
                let reader = SLOStatusReader(postgres: postgres, logger: logger)
                var out: [SLOStatus] = []
                for slo in slos { out.append(try await reader.status(slo, of: definition, at: moment)) }
                return out
            }
        } catch {
            Output.error("error: \(UserFacingError.describe(error))")
            throw ExitCode(1)
        }
        if json {
            let objects = zip(slos, statuses).map { $1.jsonObject(service: service, slo: $0) }
            let data = try FiniteJSON.data(objects, options: [.prettyPrinted, .sortedKeys])
            Output.line(String(decoding: data, as: UTF8.self))
            return
        }
        for (slo, status) in zip(slos, statuses) { Output.line(Self.describe(slo, status)) }
    }

    static func describe(_ slo: SLODefinition, _ status: SLOStatus) -> String {
        let percent: (Double?) -> String = { value in
            guard let value else { return "no data" }
            return value.isFinite ? String(format: "%.4f %%", value * 100) : "unknown"
        }
        var lines = [
            "\(slo.id): objective \(slo.objective) % (\(status.method.rawValue)) over \(SLOStatus.rfc3339(status.window.start)) .. \(SLOStatus.rfc3339(status.window.end))",
            "  attainment \(percent(status.attainment)) from \(status.minutesWithData) minutes with data",
            "  error budget: \(Self.amount(status.budgetConsumed)) of \(Self.amount(status.budgetTotal)) \(status.budgetUnit.rawValue) spent, "
                + "remaining \(percent(status.budgetRemaining))",
            "  burn rates: "
                + BurnWindow.allCases.map { "\($0) \(status.burnRates[$0].map { String(format: "%.2f", $0) } ?? "-")" }.joined(separator: ", "),
        ]
        if let exhausts = status.exhaustsAt { lines.append("  budget runs out at \(SLOStatus.rfc3339(exhausts)) at the last hour's burn") }
        for condition in status.conditions where condition.firing {
            lines.append(
                "  FIRING \(condition.severity.rawValue): burn above \(String(format: "%.2f", condition.factor)) over \(condition.long) and \(condition.short)"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// Two decimals, or three figures for an amount no one reads in digits (1e+300).
    static func amount(_ value: Double) -> String {
        abs(value) < 1e15 || !value.isFinite ? String(format: "%.2f", value) : String(format: "%.3g", value)
    }
}
