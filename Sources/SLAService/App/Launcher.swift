import Config
import Core
import CoreMetrics
import DemoService
import Foundation
import HTTPAPI
import Hummingbird
import Ingest
import Logging
import PostgresNIO
import Prometheus
import SLOEngine
import ServiceLifecycle
import Storage

/// Runs a whole hms-ops server: database (configured or embedded), optional demo service with
/// load, the collector and the HTTP server, until SIGINT/SIGTERM; then stops it all.
public struct Launcher: Sendable {
    /// The configuration to serve.
    public var config: HMSConfig
    /// The demo service to run beside the server (`hms-ops up`), or nil (`hms-ops serve`).
    public var demo: DemoService.Options?
    /// Which flag changes the listen port, for the "port taken" message.
    public var portFlag: String
    /// Embedded-cluster settings.
    public var embeddedOptions: EmbeddedPostgres.Options
    /// Called with the dashboard URL once the server answers.
    public var announce: @Sendable (String) -> Void

    public init(
        config: HMSConfig, demo: DemoService.Options? = nil, portFlag: String = "--port",
        embeddedOptions: EmbeddedPostgres.Options = .init(), announce: @escaping @Sendable (String) -> Void
    ) {
        self.config = config
        self.demo = demo
        self.portFlag = portFlag
        self.embeddedOptions = embeddedOptions
        self.announce = announce
    }

    public func run(registry: PrometheusCollectorRegistry, logger: Logger) async throws {
        let signal = ShutdownSignal()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await signal.watch() }
            defer { group.cancelAll() }
            try await self.serve(signal: signal, registry: registry, logger: logger)
        }
    }

    private func serve(signal: ShutdownSignal, registry: PrometheusCollectorRegistry, logger: Logger) async throws {
        let port = config.listen.port
        guard PortProbe.isFree(host: config.listen.host, port: port) else {
            throw LaunchError.portInUse(host: config.listen.host, port: port, flag: portFlag)
        }
        if let demo, !PortProbe.isFree(host: demo.host, port: demo.port) {
            throw LaunchError.demoPortInUse(port: demo.port)
        }
        let database = try await DatabaseSession.open(config, options: embeddedOptions, logger: logger)
        do {
            if !signal.isRequested {
                try await runServices(database: database, signal: signal, registry: registry, logger: logger)
            }
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }

    private func runServices(database: DatabaseSession, signal: ShutdownSignal, registry: PrometheusCollectorRegistry, logger: Logger) async throws {
        // The driver logs every failed connection attempt; our health monitor says it once.
        var driverLogger = logger
        if logger.logLevel > .debug { driverLogger.logLevel = .warning }
        let postgres = PostgresClient(configuration: database.url.clientConfiguration, backgroundLogger: driverLogger)
        let factory = PrometheusMetricsFactory(registry: registry)
        if config.adminToken == nil {
            logger.notice(
                "no admin_token is configured: pushes, remote-write and admin routes answer only local clients that no proxy forwarded; set admin_token to accept them from elsewhere"
            )
        }
        if let warp = WallClock.warp {
            logger.warning("HMS_OPS_TEST_CLOCK is set: the clock is warped for a test", metadata: ["factor": "\(warp.factor)"])
        }
        let spoolFolder = config.dataDirectory + "/spool"
        try? FileManager.default.createDirectory(atPath: spoolFolder, withIntermediateDirectories: true)
        let pipeline = IngestPipeline(
            writer: RollupWriter.forService(postgres: postgres, logger: logger), spool: Spool(path: spoolFolder + "/rollups.spool"),
            limits: config.limits,
            metrics: factory,
            logger: logger.with("component", "ingest"))
        // Listed in start order; shutdown runs backwards, so the last flush happens after the
        // collector has stopped and before the database client closes.
        var services: [any Service] = [
            postgres,  // its failures are the database's, said as such below
            NamedService("the rollup writer", IngestFlusher(pipeline: pipeline, interval: WallClock.scaled(.seconds(5)))),
            NamedService(
                "the retention service",
                RetentionService(postgres: postgres, retention: config.retention, logger: logger.with("component", "retention"))),
        ]
        if let demo {
            let demoApp = try DemoService.makeApplication(demo, logger: logger.with("component", "demo")) { port in
                logger.info("demo service listening", metadata: ["url": "http://\(demo.host):\(port)"])
            }
            services.append(NamedService("the demo service", demoApp))
            services.append(
                NamedService("the demo load", LoadGenerator(baseURL: "http://\(demo.host):\(demo.port)", logger: logger.with("component", "load"))))
        }
        services.append(
            NamedService(
                "the collector", TargetChecker(config: config, metrics: factory, pipeline: pipeline, logger: logger.with("component", "collector"))))
        if let embedded = database.embedded, embedded.isOwner {
            services.append(
                NamedService(
                    "the embedded PostgreSQL's supervisor", EmbeddedSupervisor(server: embedded, logger: logger.with("component", "database"))))
        }
        let snapshots = SLOSnapshotStore()
        services.append(
            NamedService(
                "the SLO evaluator",
                SLOSnapshotService(
                    services: config.services, postgres: postgres, store: snapshots, metrics: factory, logger: logger.with("component", "slo"),
                    interval: WallClock.scaled(.seconds(60)), firstDelay: WallClock.scaled(.seconds(5)),
                    ingestIsBehind: { pipeline.health().isBehind })))
        let pushStore = PushStore(maximumSamples: config.limits.pushSamples)
        services.append(
            NamedService(
                "the push collector",
                PushCollector(
                    store: pushStore, pipeline: pipeline, interval: config.scrapeInterval.duration, logger: logger.with("component", "push"),
                    metrics: factory)))
        let host = ["127.0.0.1", "0.0.0.0", "::", "::1", "localhost"].contains(config.listen.host) ? "localhost" : config.listen.host
        let announce = self.announce
        let dependencies = AppDependencies(
            postgres: postgres, pushStore: pushStore, pipeline: pipeline, snapshots: snapshots, registry: registry, services: services
        ) {
            port in
            announce("http://\(host):\(port)")
        }
        let app = buildApplication(config, dependencies: dependencies, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        await signal.attach(group)
        do {
            try await group.run()
        } catch let error as PSQLError {
            throw StorageError.databaseUnavailable(url: database.url, reason: DatabaseErrorText.describe(error))
        }
    }
}
