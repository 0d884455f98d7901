import Logging
import Metrics
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

@testable import Config
@testable import DemoService
@testable import Ingest
@testable import SLAService
@testable import Storage

/// Long-running parts stop when the service group asks, without signals and without waiting
/// out their intervals.
@Suite("Graceful shutdown")
struct GracefulShutdownTests {
    static let logger = Logger(label: "test")

    /// Starts `service`, asks it to shut down, and returns once its `run()` has returned.
    static func runThenShutDown(_ service: some Service) async throws {
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    @Test func collectorStopsMidInterval() async throws {
        var config = HMSConfig(scrapeInterval: .hours(1))
        config.services = [ServiceDefinition(id: "a", name: "A", targets: ["http://127.0.0.1:9/metrics"])]
        try await Self.runThenShutDown(TargetChecker(config: config, metrics: NOOPMetricsHandler.instance, logger: Self.logger))
    }

    @Test func loadGeneratorStops() async throws {
        try await Self.runThenShutDown(LoadGenerator(baseURL: "http://127.0.0.1:9", pause: .seconds(3600), logger: Self.logger))
    }

    /// With nothing to watch it still runs until shutdown: a service that returns early would
    /// stop the whole group (the server with it).
    @Test func healthMonitorWithoutADatabaseWaitsForShutdown() async throws {
        let health = DatabaseHealth(postgres: nil, logger: Self.logger)
        try await Self.runThenShutDown(health)
        #expect(health.current.reachable == false)
    }
}
