import Core
import CostModel
import Foundation

/// The whole of `hms-ops.yaml`: one `Sendable` value handed to `buildApplication`.
public struct HMSConfig: Sendable, Equatable {
    /// Where the PostgreSQL server is; nil runs the embedded cluster under `dataDirectory`.
    public var databaseURL: String?
    /// Data directory for the embedded cluster, spool and locks (default `.hms-ops`).
    public var dataDirectory: String
    /// Address and port of the HTTP server.
    public var listen: Listen
    /// How often targets are scraped.
    public var scrapeInterval: ConfigDuration
    /// How long one scrape may take.
    public var scrapeTimeout: ConfigDuration
    /// Bearer token for admin routes; nil means admin routes answer loopback clients only.
    public var adminToken: String?
    /// Folder that holds the rate cards named by services.
    public var rateCardsDirectory: String
    /// The services whose promises we watch.
    public var services: [ServiceDefinition]
    /// The rate cards services name, by name (the file's, without `.yaml`).
    public var rateCards: [String: RateCard] = [:]
    /// How long each rollup level is kept.
    public var retention = Retention()
    /// What one sender may make the server hold (`limits:`; docs/operations.md).
    public var limits = Limits()

    /// Bounds on what comes from outside: the shape of a series, how many new series one
    /// request and one minute may bring (pushes and remote-write; scrapes are configured), and
    /// how long a connection may take to send a request head or stay idle.
    public struct Limits: Sendable, Equatable {
        public var series = SeriesLimits.standard
        public var newSeriesPerRequest = 100_000
        public var newSeriesPerMinute = 200_000
        public var headerTimeout: ConfigDuration = .seconds(10)
        public var idleTimeout: ConfigDuration = .seconds(75)
        /// How long a push or remote-write body may take to arrive whole.
        public var bodyTimeout: ConfigDuration = .seconds(60)
        /// Samples all push groups may hold together (about 200 bytes of memory each).
        public var pushSamples = 1_000_000
        public init() {}

        /// The new-series budget of pushes and remote-write.
        public var newSeries: NewSeriesBudget {
            .init(perRequest: newSeriesPerRequest, perMinute: newSeriesPerMinute)
        }
    }

    /// Rows older than these are deleted (hourly). Minutes feed the edges of long windows, hours
    /// the edges of calendar periods, days everything else.
    public struct Retention: Sendable, Equatable {
        public var minute: ConfigDuration = .days(8)
        public var hour: ConfigDuration = .days(95)
        public var day: ConfigDuration = .days(5 * 366)
        public init() {}
    }

    public struct Listen: Sendable, Equatable {
        public var host: String
        public var port: Int
        public init(host: String = "127.0.0.1", port: Int = 9090) {
            self.host = host
            self.port = port
        }
    }

    public init(
        databaseURL: String? = nil,
        dataDirectory: String = ".hms-ops",
        listen: Listen = .init(),
        scrapeInterval: ConfigDuration = .seconds(15),
        scrapeTimeout: ConfigDuration = .seconds(10),
        adminToken: String? = nil,
        rateCardsDirectory: String = "rate-cards",
        services: [ServiceDefinition] = []
    ) {
        self.databaseURL = databaseURL
        self.dataDirectory = dataDirectory
        self.listen = listen
        self.scrapeInterval = scrapeInterval
        self.scrapeTimeout = scrapeTimeout
        self.adminToken = adminToken
        self.rateCardsDirectory = rateCardsDirectory
        self.services = services
    }
}
