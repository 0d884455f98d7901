// swift-tools-version: 6.1
import PackageDescription

// The products the targets use, named once.
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let asyncHTTPClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
let connectionPool = Target.Dependency.product(name: "_ConnectionPoolModule", package: "postgres-nio")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let httpTypes = Target.Dependency.product(name: "HTTPTypes", package: "swift-http-types")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let hummingbirdTesting = Target.Dependency.product(name: "HummingbirdTesting", package: "hummingbird")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioEmbedded = Target.Dependency.product(name: "NIOEmbedded", package: "swift-nio")
let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
let nioHTTPCompression = Target.Dependency.product(name: "NIOHTTPCompression", package: "swift-nio-extras")
let nioHTTPTypes = Target.Dependency.product(name: "NIOHTTPTypes", package: "swift-nio-extras")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioSSL = Target.Dependency.product(name: "NIOSSL", package: "swift-nio-ssl")
let postgres = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let serviceLifecycleTestKit = Target.Dependency.product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle")
let unixSignals = Target.Dependency.product(name: "UnixSignals", package: "swift-service-lifecycle")
let yams = Target.Dependency.product(name: "Yams", package: "Yams")

/// One module of the service, in its folder under Sources/SLAService/. The arrows between them go
/// one way (docs/architecture.md); scripts/check-architecture.py checks every import against them.
func service(_ name: String, folder: String? = nil, _ dependencies: [Target.Dependency]) -> Target {
    .target(name: name, dependencies: dependencies, path: "Sources/SLAService/\(folder ?? name)")
}

/// Every module of the service, for what sits above them all (the CLI, its tests, a benchmark).
let allOfTheService: [Target.Dependency] = [
    "Core", "Exposition", "Config", "Storage", "Ingest", "Backfill", "SLOEngine", "CostEngine", "HTTPAPI", "DemoService", "SLAService",
    "CostModel",
]

let package = Package(
    name: "hms-ops",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hms-ops", targets: ["hms-ops"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // The service: Core at the bottom, the composition (module SLAService, folder App) on top.
        service("Core", ["CProcessShims", crypto]),
        service("Exposition", ["Core"]),
        service("Config", ["Core", "CostModel", yams]),
        service("Storage", ["Core", "Exposition", "Config", "CProcessShims", postgres, connectionPool, logging, nioCore, nioSSL, serviceLifecycle]),
        service(
            "Ingest",
            [
                "Core", "Exposition", "Config", "Storage", "CZlib", asyncHTTPClient, logging, metrics, nioCore, nioPosix, nioHTTP1,
                nioHTTPCompression, nioSSL, serviceLifecycle,
            ]),
        service("Backfill", ["Core", "Exposition", "Config", "Storage", "Ingest", asyncHTTPClient, crypto, logging, nioCore, postgres]),
        service("SLOEngine", ["Core", "Exposition", "Config", "Storage", "CostModel", crypto, logging, metrics, postgres, serviceLifecycle]),
        service("CostEngine", ["Core", "Config", "Storage", "CostModel", crypto, logging, postgres]),
        service(
            "HTTPAPI",
            [
                "Core", "Exposition", "Config", "Storage", "Ingest", "SLOEngine", "Widgets", "ReportGen", crypto, httpTypes, hummingbird, logging,
                metrics, nioCore, nioHTTPTypes, nioHTTPCompression, postgres, prometheus, serviceLifecycle,
            ]),
        service("DemoService", ["Core", "Config", "HTTPAPI", asyncHTTPClient, hummingbird, logging, metrics, prometheus, serviceLifecycle]),
        service(
            "SLAService", folder: "App",
            [
                "Core", "Exposition", "Config", "Storage", "Ingest", "Backfill", "SLOEngine", "CostEngine", "HTTPAPI", "DemoService", hummingbird,
                logging, metrics,
                nioCore, postgres, prometheus, serviceLifecycle, unixSignals,
            ]),
        .target(name: "CProcessShims"),
        // The system's zlib (Debian's zlib1g-dev, which Swift itself needs), for gzip answers.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CostModel", dependencies: ["Core"]),
        .target(name: "Widgets", resources: [.copy("Resources/ops-sla-card.js")]),
        .target(name: "ReportGen", dependencies: ["Core"]),
        .executableTarget(name: "hms-ops", dependencies: allOfTheService + [argumentParser, logging, metrics, prometheus, serviceLifecycle]),
        .executableTarget(name: "parse-bench", dependencies: ["Exposition"], path: "benchmarks/ingest/parse-bench"),
        .executableTarget(name: "slo-bench", dependencies: allOfTheService + [logging], path: "benchmarks/api/slo-bench"),
        // Each module's own suites: no PostgreSQL, no network, no browser (`make unit`).
        // TestSupport: the fixtures' folder and helpers the suites share.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CoreTests", dependencies: ["Core"]),
        .testTarget(name: "ExpositionTests", dependencies: ["Core", "Exposition", "TestSupport"]),
        .testTarget(name: "ConfigTests", dependencies: ["Core", "Config", "CostModel", "TestSupport"]),
        .testTarget(name: "IngestTests", dependencies: ["Core", "Exposition", "Config", "Storage", "Ingest", "TestSupport"]),
        .testTarget(name: "SLOEngineTests", dependencies: ["Core", "Exposition", "Config", "Storage", "Ingest", "SLOEngine"]),
        .testTarget(
            name: "HTTPAPITests", dependencies: ["Core", "Exposition", "Config", "Storage", "Ingest", "SLOEngine", "HTTPAPI", nioEmbedded],
            exclude: ["Golden"]),
        .testTarget(
            name: "SLAServiceTests",
            dependencies: ["Core", "Config", "Storage", "Ingest", "DemoService", "SLAService", serviceLifecycleTestKit, metrics]),
        .testTarget(name: "CostModelTests", dependencies: ["CostModel", "Core"]),
        .testTarget(name: "WidgetsTests", dependencies: ["Widgets"], exclude: ["Golden"]),
        // The rest: a real PostgreSQL, the binary as a subprocess, a real Prometheus, Python peers.
        .testTarget(
            name: "IntegrationTests",
            dependencies: allOfTheService + [
                "hms-ops", "TestSupport", hummingbirdTesting, prometheus, postgres, asyncHTTPClient, nioCore, nioEmbedded, nioPosix,
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
