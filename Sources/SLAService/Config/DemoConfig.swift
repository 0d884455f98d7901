/// The configuration `hms-ops up` serves when no `--config` is given: the seed's
/// Crop-Relief Online, scraped from the demo service.
public enum DemoConfig {
    public static func make(demoHost: String = "127.0.0.1", demoPort: Int) -> HMSConfig {
        let base = "http://\(demoHost):\(demoPort)"
        let service = ServiceDefinition(
            id: "crop-relief",
            name: "Crop-Relief Online",
            agency: "USDA",
            isPublic: true,
            rateCard: nil,
            timeZone: "America/Chicago",
            targets: ["\(base)/metrics"],
            probes: [ProbeDefinition(url: "\(base)/healthz", interval: .seconds(15), timeout: .seconds(5))],
            slos: [
                SLODefinition(
                    id: "availability", objective: 99.9, window: .rolling(.days(30)),
                    sli: .ratio(good: #"claims_total{code!~"5.."}"#, bad: nil, total: "claims_total")),
                SLODefinition(
                    id: "median-latency", objective: 99.9, window: .rolling(.days(30)),
                    sli: .latency(histogram: "latency_ms", percentile: 50, below: 250)),
            ])
        return HMSConfig(services: [service])
    }
}
