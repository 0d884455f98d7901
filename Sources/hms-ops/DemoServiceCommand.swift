import ArgumentParser
import Core
import DemoService
import Logging
import SLAService
import SLOEngine
import ServiceLifecycle

/// `hms-ops demo-service`: the seed's instrumented claim-scoring service, on its own.
struct DemoServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-service",
        abstract: "Run the demo claim-scoring service (GET|POST /score, /metrics, PUT /admin/knobs).")

    @Option(name: .long, help: "Port to listen on.")
    var port: Int = 8000

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Fraction of /score requests that fail with 500, from 0 to 1.")
    var errorRate: Double = 0.0005

    @Option(name: .long, help: "Median latency of /score in milliseconds.")
    var latencyMs: Double = 120

    @Option(name: .long, help: "Bearer token for /admin/knobs (required when not listening on loopback).")
    var adminToken: String?

    @Option(name: .long, help: "Log level.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        if !(1...65535).contains(port) { throw ValidationError("--port must be between 1 and 65535, got \(port)") }
        if let problem = DemoKnobs(errorRate: errorRate, latencyMs: latencyMs).problem {
            throw ValidationError(
                problem.replacingOccurrences(of: "error_rate", with: "--error-rate").replacingOccurrences(of: "latency_ms", with: "--latency-ms"))
        }
    }

    func run() async throws {
        Output.bootstrapLogging(level: logLevel)
        let logger = Logger(label: "hms-ops-demo")
        guard PortProbe.isFree(host: host, port: port) else {
            Output.error("error: port \(port) is already in use; choose another with --port N")
            throw ExitCode(1)
        }
        let options = DemoService.Options(
            host: host, port: port, knobs: DemoKnobs(errorRate: errorRate, latencyMs: latencyMs), adminToken: adminToken)
        do {
            let app = try DemoService.makeApplication(options, logger: logger) { bound in
                Output.line("Demo service running at http://\(host):\(bound)")
            }
            let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigint, .sigterm], logger: logger))
            try await group.run()
        } catch {
            Output.error("error: \(UserFacingError.describe(error))")
            throw ExitCode(1)
        }
    }
}
