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
        public var newSeries: MinuteAccumulator.NewSeriesBudget {
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

/// One online service an agency runs and publishes promises for.
public struct ServiceDefinition: Sendable, Equatable {
    public var id: String
    public var name: String
    public var agency: String?
    /// False keeps the service off every public path (they answer 404).
    public var isPublic: Bool
    /// Name of a rate card file in the rate cards folder, without extension.
    public var rateCard: String?
    /// IANA time zone for calendar windows and local times.
    public var timeZone: String
    /// Prometheus-format endpoints to scrape.
    public var targets: [String]
    /// Labels the targets expose win over `job`/`instance` (for scraping `/federate`).
    public var honorLabels: Bool = false
    public var probes: [ProbeDefinition]
    public var slos: [SLODefinition]

    public init(
        id: String, name: String, agency: String? = nil, isPublic: Bool = true, rateCard: String? = nil,
        timeZone: String = "UTC", targets: [String] = [], probes: [ProbeDefinition] = [], slos: [SLODefinition] = []
    ) {
        self.id = id
        self.name = name
        self.agency = agency
        self.isPublic = isPublic
        self.rateCard = rateCard
        self.timeZone = timeZone
        self.targets = targets
        self.probes = probes
        self.slos = slos
    }
}

/// An uptime check: an HTTP GET whose status, latency and optionally body are judged.
public struct ProbeDefinition: Sendable, Equatable {
    public var url: String
    public var interval: ConfigDuration
    public var timeout: ConfigDuration
    /// Status codes that count as up; empty means any 2xx.
    public var expectStatus: [Int]
    /// A substring the body must contain, if set.
    public var bodyContains: String?

    public init(
        url: String, interval: ConfigDuration = .seconds(15), timeout: ConfigDuration = .seconds(5),
        expectStatus: [Int] = [], bodyContains: String? = nil
    ) {
        self.url = url
        self.interval = interval
        self.timeout = timeout
        self.expectStatus = expectStatus
        self.bodyContains = bodyContains
    }
}

/// A service level objective: a target percentage of good events or minutes over a window.
public struct SLODefinition: Sendable, Equatable {
    public var id: String
    /// Percent, exact: 99.9 is 99.9, not 99.899999.
    public var objective: Decimal
    public var window: SLOWindow
    public var sli: SLIDefinition
    /// How it counts; nil: Timeslices for a latency SLI with a percentile, else Occurrences.
    public var method: BudgetingMethod?
    /// Timeslices: a minute is good when its ratio is at or above this (a fraction).
    public var sliceTarget: Decimal?
    /// Time slices: what a minute without data counts as (neither, by default).
    public var noData: Objective.NoData = .ignore

    public init(
        id: String, objective: Decimal, window: SLOWindow = .rolling(.days(30)), sli: SLIDefinition, method: BudgetingMethod? = nil,
        sliceTarget: Decimal? = nil
    ) {
        self.id = id
        self.objective = objective
        self.window = window
        self.sli = sli
        self.method = method
        self.sliceTarget = sliceTarget
    }
}

/// The period an objective is judged over.
public enum SLOWindow: Sendable, Equatable {
    case rolling(ConfigDuration)
    case calendar(CalendarUnit)

    public enum CalendarUnit: String, Sendable, CaseIterable {
        case week, month, quarter
    }
}

/// How good events are told from bad ones.
public enum SLIDefinition: Sendable, Equatable {
    /// Good (or bad) events over total events, both counter selections.
    case ratio(good: String?, bad: String?, total: String)
    /// Events at or below a latency bound (in the histogram's unit), from a histogram;
    /// `percentile` states the promise, e.g. 50 for "median below 250 ms".
    case latency(histogram: String, percentile: Decimal?, below: Double)
    /// The service's uptime probes.
    case probe
}
