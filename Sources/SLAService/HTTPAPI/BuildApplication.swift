import Config
import CoreMetrics
import Hummingbird
import Ingest
import Logging
import PostgresNIO
import Prometheus
import SLOEngine
import ServiceLifecycle
import Storage

/// What the application needs from outside: built by the CLI, or by hand in tests.
public struct AppDependencies: Sendable {
    /// The database client; nil leaves `/healthz` reporting the database unreachable.
    public var postgres: PostgresClient?
    /// Watches the database for `/healthz`; made from `postgres` unless given.
    public var health: DatabaseHealth?
    /// Where pushed metrics are kept; nil leaves the push routes out.
    public var pushStore: PushStore?
    /// Where remote-write samples go; nil leaves `/api/v1/write` out.
    public var pipeline: IngestPipeline?
    /// The SLO snapshot the public API answers from (empty until the first evaluation).
    public var snapshots: SLOSnapshotStore
    /// Where the server's own metrics live; `/metrics` emits it.
    public var registry: PrometheusCollectorRegistry
    /// Long-running parts started with the server (database client, collector, demo), in dependency order.
    public var services: [any Service]
    /// Runs once the listener is bound, with the bound port.
    public var onServerRunning: @Sendable (Int) async -> Void

    public init(
        postgres: PostgresClient? = nil, health: DatabaseHealth? = nil, pushStore: PushStore? = nil, pipeline: IngestPipeline? = nil,
        snapshots: SLOSnapshotStore = .init(), registry: PrometheusCollectorRegistry = .init(),
        services: [any Service] = [], onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.postgres = postgres
        self.health = health
        self.pushStore = pushStore
        self.pipeline = pipeline
        self.snapshots = snapshots
        self.registry = registry
        self.services = services
        self.onServerRunning = onServerRunning
    }
}

/// Assembles the router and the services of one hms-ops server. The CLI and the tests both call it.
public func buildApplication(_ config: HMSConfig, dependencies: AppDependencies, logger: Logger) -> some ApplicationProtocol {
    let health = dependencies.health ?? DatabaseHealth(postgres: dependencies.postgres, logger: logger)
    let publicRoutes = PublicRoutes(services: config.services, store: dependencies.snapshots, postgres: dependencies.postgres, logger: logger)
    let requestMetrics = RequestMetricHandles(factory: PrometheusMetricsFactory(registry: dependencies.registry))
    let router = buildRouter(
        config, registry: dependencies.registry, health: health, pushStore: dependencies.pushStore, pipeline: dependencies.pipeline,
        snapshots: dependencies.snapshots, postgres: dependencies.postgres, logger: logger, publicRoutes: publicRoutes,
        requestMetrics: requestMetrics)
    let onServerRunning = dependencies.onServerRunning
    var app = Application(
        responder: HeadAsGet(inner: router.buildResponder()),
        server: PublicHTTP1Channel.builder(routes: publicRoutes, metrics: requestMetrics, limits: config.limits),
        configuration: .init(address: .hostname(config.listen.host, port: config.listen.port), serverName: "hms-ops"),
        services: dependencies.services + [health],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? config.listen.port) },
        logger: logger)
    if let postgres = dependencies.postgres {
        // Migrations run before the listener opens, so no request sees an old schema.
        app.beforeServerStarts {
            let clock = ContinuousClock()
            let start = clock.now
            try await Migrator().migrate(postgres, logger: logger)
            // The database answered: `/healthz` says so from the first request after "Dashboard
            // running", instead of "not checked yet", or a first check's timeout from while the
            // database was still starting.
            health.answered(in: clock.now - start)
        }
    }
    return app
}

/// The routes, on their own so each piece they read is explicit.
func buildRouter(
    _ config: HMSConfig, registry: PrometheusCollectorRegistry, health: DatabaseHealth, pushStore: PushStore?,
    pipeline: IngestPipeline? = nil, snapshots: SLOSnapshotStore = .init(), postgres: PostgresClient? = nil,
    logger: Logger = Logger(label: "hms-ops"), publicRoutes: PublicRoutes? = nil, requestMetrics: RequestMetricHandles = .init()
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: RequestMetricsMiddleware(handles: requestMetrics))
    HealthRoutes(health: health, pipeline: pipeline).register(on: router)
    MetricsRoutes(
        registry: registry, pipeline: pipeline, privateServices: Set(config.services.filter { !$0.isPublic }.map(\.id)),
        token: config.adminToken
    ).register(on: router)
    let publicRoutes = publicRoutes ?? PublicRoutes(services: config.services, store: snapshots, postgres: postgres, logger: logger)
    DashboardPage(routes: publicRoutes).register(on: router)
    WidgetRoutes().register(on: router)
    publicRoutes.register(on: router)
    if let pushStore {
        PushRoutes(
            store: pushStore, gate: AdminGate(token: config.adminToken), limits: config.limits.series, bodyTimeout: config.limits.bodyTimeout.duration
        )
        .register(on: router)
    }
    if let pipeline {
        let factory = PrometheusMetricsFactory(registry: registry)
        let ingested = Counter(label: "hms_samples_ingested_total", dimensions: [("source", "remote_write")], factory: factory)
        func dropped(_ reason: String) -> CoreMetrics.Counter {
            Counter(label: "hms_samples_dropped_total", dimensions: [("source", "remote_write"), ("reason", reason)], factory: factory)
        }
        RemoteWriteRoutes(
            pipeline: pipeline, gate: AdminGate(token: config.adminToken), ingested: ingested,
            bodyTimeout: config.limits.bodyTimeout.duration,
            droppedCounters: (dropped("ahead_of_clock"), dropped("out_of_range"), dropped("invalid_series"))
        ).register(on: router)
    }
    return router
}
