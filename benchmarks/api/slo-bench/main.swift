// SLO evaluation time against history length: the same 30-day SLOs (Occurrences from hour and
// day rows, Timeslices from minutes) evaluated with 1 day and with 365 days of imported history,
// each in its own embedded PostgreSQL. Prints the median time per evaluation and the ratio.
//   swift run -c release slo-bench [GENERATOR.py]
import Backfill
import Config
import Foundation
import Logging
import SLAService
import SLOEngine
import Storage

let generator = CommandLine.arguments.dropFirst().first ?? "benchmarks/import/generate.py"
let logger: Logger = {
    var logger = Logger(label: "slo-bench")
    logger.logLevel = .error
    return logger
}()
let service = ServiceDefinition(
    id: "claims", name: "Claims", targets: [],
    slos: [
        SLODefinition(id: "availability", objective: 99.9, sli: .ratio(good: #"requests_total{code!~"5.."}"#, bad: nil, total: "requests_total")),
        SLODefinition(id: "fast", objective: 99, sli: .latency(histogram: "latency_seconds", percentile: 50, below: 0.25)),
    ])
let end = Int64(Date().timeIntervalSince1970) / 86_400 * 86_400

/// Median seconds per evaluation of every SLO of `service` with `days` of history.
func measure(days: Int) async throws -> (seconds: Double, samples: Int) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-slo-bench-\(days)-\(getpid())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let history = folder + "/history.om"
    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/bin/sh")
    python.arguments = ["-c", "python3 '\(generator)' --series 12 --days \(days) --step 300 --end \(end) > '\(history)'"]
    try python.run()
    python.waitUntilExit()
    guard python.terminationStatus == 0 else { throw BenchmarkError(description: "the history generator failed") }
    let config = HMSConfig(dataDirectory: folder + "/data", services: [service])
    let retention = config.retention
    let logger = logger
    return try await DatabaseSession.withClient(config, logger: logger) { postgres in
        var sink = BackfillSink(writer: RollupWriter.forService(postgres: postgres, logger: logger), retention: retention)
        let summary = try await OpenMetricsImport(path: history, service: service.id).run(into: &sink)
        let reader = SLOStatusReader(postgres: postgres, logger: logger)
        let at = end * 1000
        var times: [Double] = []
        for round in 0..<23 {
            let clock = ContinuousClock()
            let start = clock.now
            for slo in service.slos { _ = try await reader.status(slo, of: service, at: at) }
            if round >= 3 { times.append((clock.now - start) / .seconds(1)) }  // three warm-up rounds
        }
        times.sort()
        return (times[times.count / 2], summary.imported)
    }
}

let short = try await measure(days: 1)
let long = try await measure(days: 365)
print(
    String(
        format:
            "30-day SLO evaluation (2 SLOs): %.1f ms with 1 day of history (%d samples), %.1f ms with 365 days (%d samples): ratio %.2f (goal: at most 1.5)",
        short.seconds * 1000, short.samples, long.seconds * 1000, long.samples, long.seconds / short.seconds))

/// Why the benchmark could not run.
struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
}
