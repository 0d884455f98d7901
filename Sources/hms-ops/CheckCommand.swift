import ArgumentParser
import Config
import Foundation
import Ingest
import SLAService
import SLOEngine

/// `hms-ops check ...`: validate inputs without running anything.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check configuration and other inputs.",
        subcommands: [CheckConfigCommand.self, CheckMetricsCommand.self, CheckSLOCommand.self, CheckRateCardCommand.self])
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

/// `hms-ops check metrics FILE|URL [--json]`: parse an exposition and show what was read.
struct CheckMetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Parse a Prometheus or OpenMetrics exposition from a file or URL; exit 0 when it is valid, 1 when not.")

    @Argument(help: "A file, or an http(s) URL such as http://127.0.0.1:8000/metrics.")
    var source: String

    @Flag(name: .long, help: "Print {\"families\", \"format\", \"samples\", \"errors\"} as JSON.")
    var json = false

    @Option(name: .long, help: "The format, when the Content-Type or the bytes do not tell: openmetrics or prometheus.")
    var format: String?

    func validate() throws {
        if let format, !["openmetrics", "prometheus"].contains(format) {
            throw ValidationError("--format must be openmetrics or prometheus, got \(format)")
        }
    }

    func run() async throws {
        var body: ExpositionSource.Body
        do {
            body = try await ExpositionSource.load(source)
        } catch {
            Output.error("error: \(error)")
            throw ExitCode(1)
        }
        if let format { body.declaredFormat = format == "openmetrics" ? .openMetrics : .prometheusText }
        let report = ExpositionReport(source: source, body: body)
        if json {
            Output.line(report.json())
        } else {
            FileHandle.standardOutput.write(Data(report.text().utf8))
        }
        if !report.isValid { throw ExitCode(1) }
    }
}

/// `hms-ops check slo FILE`: an OpenSLO v1 file as hms-ops reads it, or its problems with file:line:column.
struct CheckSLOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slo", abstract: "Validate an OpenSLO v1 file (kind: SLO / SLI); exit 0 when hms-ops can evaluate every SLO in it, 1 when not.")

    @Argument(help: "The OpenSLO YAML file (several documents separated by ---).")
    var file: String

    func run() throws {
        let imported: [OpenSLOReader.Imported]
        do {
            imported = try OpenSLOReader.load(path: file)
        } catch {
            throw reportProblems(error, in: file)
        }
        Output.line("\(file): valid (\(imported.count) SLO\(imported.count == 1 ? "" : "s"))")
        for entry in imported {
            let objective = entry.slo.objectiveValue
            let window: String
            switch entry.slo.window {
            case .rolling(let length): window = "rolling \(length)"
            case .calendar(let unit): window = "calendar \(unit.rawValue)"
            }
            Output.line("  \(entry.service)/\(entry.slo.id): \(entry.slo.objective) % \(objective.method.rawValue), \(window)")
        }
    }
}
