import ArgumentParser
import Backfill
import Config
import Core
import Foundation
import Logging
import SLAService
import SLOEngine
import Synchronization

/// `hms-ops import ...`: backfill history, so SLAs and costs have their windows from day one.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import metric history from an OpenMetrics file or a running Prometheus.",
        discussion: """
            Minutes the collector (or an earlier import) already stored are kept: an import fills \
            only minutes with no row, so importing again, or beside a running collector, never \
            counts anything twice.
            """,
        subcommands: [ImportOpenMetricsCommand.self, ImportPrometheusCommand.self])
}

/// Flags every import shares: where the database is, and which service the series belong to.
struct ImportOptions: ParsableArguments {
    @Option(name: .long, help: "Set job=ID on every series that has no job label (as a scrape of that service would).")
    var service: String?

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if let service, service.isEmpty || service.utf8.count > 200 {
            throw ValidationError("--service must be 1 to 200 characters")
        }
    }

    /// Runs an import, printing its summary, or one clear line and exit 1.
    func report(_ body: @escaping (HMSConfig, Logger) async throws -> ImportSummary) async throws {
        // Without --config: no services, so no SLO history to recompute.
        let settings = try database.settings(default: HMSConfig())
        Output.bootstrapLogging(level: database.logLevel)
        let logger = Logger(label: "hms-ops")
        let started = ContinuousClock.now
        do {
            let summary = try await body(settings, logger)
            Output.line(Self.describe(summary, seconds: (ContinuousClock.now - started) / .seconds(1)))
            // Nothing imported is a failed import, whatever the reason: say it and exit 1.
            if summary.imported == 0 {
                Output.error(
                    "error: "
                        + (summary.hint
                            ?? (summary.samples == 0
                                ? "no samples were found" : "none of the \(summary.samples) samples was imported; see the reasons above"))
                )
                throw ExitCode(1)
            }
        } catch let error as ImportError {
            Output.error("error: \(error)")
            throw ExitCode(1)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Output.error("error: \(UserFacingError.describe(error))")
            throw ExitCode(1)
        }
    }

    static func describe(_ summary: ImportSummary, seconds: Double) -> String {
        var parts = ["imported \(summary.imported) of \(summary.samples) samples (\(summary.series) series) in \(String(format: "%.1f", seconds)) s"]
        parts.append("\(summary.rows) minute rows written (minutes already stored were kept); their hours and days folded")
        if summary.sloHoursRecomputed > 0 {
            parts.append(
                "SLO history (slo_status) recomputed: \(summary.sloHoursRecomputed) evaluations at each hour's end since the oldest imported sample")
        }
        if summary.tooOld > 0 { parts.append("\(summary.tooOld) samples skipped: older than the longest retention") }
        if summary.inFuture > 0 { parts.append("\(summary.inFuture) samples skipped: more than 5 minutes in the future") }
        if summary.outOfOrder > 0 { parts.append("\(summary.outOfOrder) samples skipped: not newer than their series' previous sample") }
        if summary.refused > 0 {
            parts.append("\(summary.refused) samples skipped: their series cannot be stored (first: \(summary.refusal ?? "invalid labels"))")
        }
        return parts.joined(separator: "\n")
    }
}

/// `hms-ops import openmetrics FILE`.
struct ImportOpenMetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openmetrics",
        abstract: "Import an OpenMetrics file of timestamped samples (the format promtool tsdb create-blocks-from openmetrics reads).")

    @Argument(help: "The file; it is streamed, so its size does not matter.")
    var file: String

    @Option(name: .long, help: "The format, when the file does not end with # EOF: openmetrics or prometheus.")
    var format: String?

    @OptionGroup var options: ImportOptions

    func validate() throws {
        if let format, !["openmetrics", "prometheus"].contains(format) {
            throw ValidationError("--format must be openmetrics or prometheus, got \(format)")
        }
    }

    func run() async throws {
        let job = OpenMetricsImport(
            path: file, service: options.service, format: format.map { $0 == "openmetrics" ? .openMetrics : .prometheusText })
        let report = ProgressReporter()
        try await options.report { config, logger in
            try await job.run(config: config, logger: logger) { progress in
                report.maybe {
                    let percent = progress.bytesTotal > 0 ? 100 * Double(progress.bytesRead) / Double(progress.bytesTotal) : 100
                    return "read \(Self.size(progress.bytesRead)) of \(Self.size(progress.bytesTotal)) (\(String(format: "%.0f", percent)) %), "
                        + "line \(progress.lines), \(progress.samples) sample\(progress.samples == 1 ? "" : "s")"
                }
            }
        }
    }
}

extension ImportOpenMetricsCommand {
    /// A size in the unit that shows it: bytes, KB, MB or GB.
    static func size(_ bytes: Int) -> String {
        switch bytes {
        case ..<1024: return "\(bytes) bytes"
        case ..<(1 << 20): return "\(bytes >> 10) KB"
        case ..<(1 << 30): return "\(bytes >> 20) MB"
        default: return String(format: "%.1f GB", Double(bytes) / Double(1 << 30))
        }
    }
}

/// `hms-ops import prometheus --url URL --from T --to T [--match SELECTOR]...`.
struct ImportPrometheusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prometheus",
        abstract: "Import the raw samples a running Prometheus stored, over its HTTP API, in resumable chunks.")

    @Option(name: .long, help: "The Prometheus, e.g. http://127.0.0.1:9090.")
    var url: String

    @Option(name: .long, help: "Start: RFC 3339 (2026-10-01T00:00:00Z) or Unix seconds.")
    var from: String

    @Option(name: .long, help: "End (exclusive): RFC 3339 or Unix seconds.")
    var to: String

    @Option(name: .long, help: "A series selector, e.g. '{job=\"claims\"}'; repeat for more. Default: every series.")
    var match: [String] = []

    @Option(name: .long, help: "Window of one request, e.g. 1h or 30m (whole minutes).")
    var chunk: String = "1h"

    @OptionGroup var options: ImportOptions

    func validate() throws {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw ValidationError("--url must be an http(s) URL, got \(url)") }
        guard TimeText.milliseconds(from) != nil else { throw ValidationError("--from must be RFC 3339 or Unix seconds, got \(from)") }
        guard TimeText.milliseconds(to) != nil else { throw ValidationError("--to must be RFC 3339 or Unix seconds, got \(to)") }
        guard let length = ConfigDuration(parsing: chunk), length.milliseconds >= 60_000, length.milliseconds % 60_000 == 0,
            length.milliseconds <= 366 * 86_400_000
        else {
            throw ValidationError("--chunk must be a whole number of minutes from 1m to 366d such as 1h or 30m, got \(chunk)")
        }
        for selector in match where selector.isEmpty || selector.utf8.count > 4096 {
            throw ValidationError("--match must be a selector of 1 to 4096 characters")
        }
    }

    func run() async throws {
        let job = PrometheusImport(
            url: url, from: TimeText.milliseconds(from)!, to: TimeText.milliseconds(to)!, matchers: match,
            chunk: ConfigDuration(parsing: chunk)!.milliseconds,
            service: options.service)
        let report = ProgressReporter()
        try await options.report { config, logger in
            try await job.run(config: config, logger: logger) { progress in
                if let resumed = progress.resumedAt {
                    Output.error("resuming: chunks through \(Self.stamp(resumed)) were imported by an earlier run")
                }
                report.maybe(force: progress.chunk == progress.chunks) {
                    "chunk \(progress.chunk)/\(progress.chunks) through \(Self.stamp(progress.through)), \(progress.samples) samples"
                }
            }
        }
    }

    static func stamp(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}

/// Prints a progress line to stderr at most once every two seconds. Imports report from their
/// own tasks, so the time of the last line is kept under a lock.
final class ProgressReporter: Sendable {
    private let last = Mutex(ContinuousClock.now - .seconds(10))

    func maybe(force: Bool = false, _ line: () -> String) {
        let now = ContinuousClock.now
        let due = last.withLock { last in
            guard force || now - last >= .seconds(2) else { return false }
            last = now
            return true
        }
        if due { Output.error(line()) }
    }
}

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
