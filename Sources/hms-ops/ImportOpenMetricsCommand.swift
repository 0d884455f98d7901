import ArgumentParser
import Backfill
import Config
import Core
import Foundation
import Logging
import SLAService
import SLOEngine
import Synchronization

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
