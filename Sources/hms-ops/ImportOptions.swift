import ArgumentParser
import Backfill
import Config
import Core
import Foundation
import Logging
import SLAService
import SLOEngine
import Synchronization

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
