// swift-tools-version: 6.1
import PackageDescription

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
        // The service, in modules whose arrows go one way (docs/architecture.md; Tests/architecture
        // checks every import against them): Core at the bottom, the composition (SLAService) on top.
        .target(
            name: "Core", dependencies: ["CProcessShims", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/SLAService/Core"),
        .target(name: "Exposition", dependencies: ["Core"], path: "Sources/SLAService/Exposition"),
        .target(
            name: "Config", dependencies: ["Core", "CostModel", .product(name: "Yams", package: "Yams")],
            path: "Sources/SLAService/Config"),
        .target(
            name: "Storage",
            dependencies: [
                "Core", "Exposition", "Config", "CProcessShims",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/SLAService/Storage"),
        .target(
            name: "Ingest",
            dependencies: [
                "Core", "Exposition", "Config", "Storage", "CZlib",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/SLAService/Ingest"),
        .target(
            name: "Backfill",
            dependencies: [
                "Core", "Exposition", "Config", "Storage", "Ingest",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Sources/SLAService/Backfill"),
        .target(
            name: "SLOEngine",
            dependencies: [
                "Core", "Exposition", "Config", "Storage", "CostModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/SLAService/SLOEngine"),
        .target(
            name: "HTTPAPI",
            dependencies: [
                "Core", "Exposition", "Config", "Storage", "Ingest", "SLOEngine", "Widgets", "ReportGen",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/SLAService/HTTPAPI"),
        .target(
            name: "DemoService",
            dependencies: [
                "Core", "Config", "HTTPAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/SLAService/DemoService"),
        .target(
            name: "SLAService",
            dependencies: [
                "Core", "Exposition", "Config", "Storage", "Ingest", "Backfill", "SLOEngine", "HTTPAPI", "DemoService",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Sources/SLAService/App"),
        .target(name: "CProcessShims"),
        // The system's zlib (Debian's zlib1g-dev, which Swift itself needs), for gzip answers.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CostModel"),
        .target(name: "Widgets", resources: [.copy("Resources/ops-sla-card.js")]),
        .target(name: "ReportGen", dependencies: ["Core"]),
        .executableTarget(
            name: "hms-ops",
            dependencies: [
                "Core", "Exposition", "Config", "Storage", "Ingest", "Backfill", "SLOEngine", "HTTPAPI", "DemoService", "SLAService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(name: "parse-bench", dependencies: ["Exposition"], path: "benchmarks/ingest/parse-bench"),
        .executableTarget(
            name: "slo-bench",
            dependencies: [
                "Core", "Exposition", "Config", "Storage", "Ingest", "Backfill", "SLOEngine", "HTTPAPI", "DemoService", "SLAService",
                .product(name: "Logging", package: "swift-log"),
            ], path: "benchmarks/api/slo-bench"),
        // Each module's own suites: no PostgreSQL, no network, no browser (`make unit`).
        // TestSupport: the fixtures' folder and helpers the suites share.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CoreTests", dependencies: ["Core"]),
        .testTarget(name: "ExpositionTests", dependencies: ["Core", "Exposition", "TestSupport"]),
        .testTarget(name: "ConfigTests", dependencies: ["Core", "Config", "TestSupport"]),
        .testTarget(name: "IngestTests", dependencies: ["Core", "Exposition", "Config", "Storage", "Ingest", "TestSupport"]),
        .testTarget(name: "SLOEngineTests", dependencies: ["Core", "Exposition", "Config", "Storage", "Ingest", "SLOEngine"]),
        .testTarget(
            name: "HTTPAPITests",
            dependencies: [
                "Core", "Exposition", "Config", "Storage", "Ingest", "SLOEngine", "HTTPAPI",
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            exclude: ["Golden"]),
        .testTarget(
            name: "SLAServiceTests",
            dependencies: [
                "Core", "Config", "Storage", "Ingest", "DemoService", "SLAService",
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .testTarget(name: "CostModelTests", dependencies: ["CostModel"]),
        .testTarget(name: "WidgetsTests", dependencies: ["Widgets"], exclude: ["Golden"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Core", "Exposition", "Config", "Storage", "Ingest", "Backfill", "SLOEngine", "HTTPAPI", "DemoService", "SLAService", "hms-ops",
                "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
