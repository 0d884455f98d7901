import ArgumentParser
import Backfill
import Config
import Core
import Foundation
import Logging
import SLAService
import SLOEngine
import Synchronization

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

    static func stamp(_ ms: Int64) -> String { TimeText.rfc3339(ms) }
}
