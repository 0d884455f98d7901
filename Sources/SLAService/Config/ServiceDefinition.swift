import Foundation

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
    /// `timeZone` as a zone; UTC when it names none (the loader refuses such a file, so only
    /// values built in code can get here).
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")! }
    /// Prometheus-format endpoints to scrape.
    public var targets: [String]
    /// Labels the targets expose win over `job`/`instance` (for scraping `/federate`).
    public var honorLabels: Bool = false
    public var probes: [ProbeDefinition]
    public var slos: [SLODefinition]
    /// How its usage is read and priced (`cost:`).
    public var cost = CostDefinition()

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
