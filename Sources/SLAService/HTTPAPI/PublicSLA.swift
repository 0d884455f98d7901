import Widgets

/// `GET /public/v1/services/{id}/sla`: a service's figures over a period (schema `sla.json`,
/// `sla.xsd`). Percentages of attainment are floored, never rounded up to a promise kept.
package struct PublicSLA: Encodable, Sendable {
    package var header: PublicHeader
    package var service: Service
    package var period: Period
    package var status: SLACardStatus
    package var uptimePercent: Double?
    package var latency: Latency
    package var targets: Targets
    package var slos: [SLO]

    package struct Service: Encodable, Sendable {
        package var id: String
        package var name: String
        package var agency: String?

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: PublicKey.self)
            try container.encode(id, forKey: "id")
            try container.encode(name, forKey: "name")
            try container.encode(agency, forKey: "agency")
        }
    }

    /// The period's name and zone; its bounds (UTC and local) once there are figures for it.
    package struct Period: Encodable, Sendable {
        package var name: String
        package var bounds: Bounds?
        package var timeZone: String

        package struct Bounds: Sendable {
            package var start: String
            package var end: String
            package var startLocal: String
            package var endLocal: String
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: PublicKey.self)
            try container.encode(name, forKey: "name")
            if let bounds {
                try container.encode(bounds.start, forKey: "start")
                try container.encode(bounds.end, forKey: "end")
                try container.encode(bounds.startLocal, forKey: "start_local")
                try container.encode(bounds.endLocal, forKey: "end_local")
            }
            try container.encode(timeZone, forKey: "time_zone")
        }
    }

    package struct Latency: Encodable, Sendable {
        package var p50: Double?
        package var p95: Double?

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: PublicKey.self)
            try container.encode(finite(p50), forKey: "p50")
            try container.encode(finite(p95), forKey: "p95")
        }
    }

    /// What the service promises: its availability objective (an exact decimal) and its latency
    /// bound, nil where it has none.
    package struct Targets: Encodable, Sendable {
        package var uptimePercent: String?
        package var latency: LatencyTarget?

        package struct LatencyTarget: Encodable, Sendable {
            package var percentile: Double?
            package var below: Double

            package func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: PublicKey.self)
                try container.encode(finite(percentile), forKey: "percentile")
                try container.encode(finite(below), forKey: "below")
            }
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: PublicKey.self)
            try container.encode(uptimePercent, forKey: "uptime_percent")
            try container.encode(latency, forKey: "latency_ms")
        }
    }

    package struct SLO: Encodable, Sendable {
        package var id: String
        package var objectivePercent: String
        package var attainmentPercent: Double?
        package var errorBudgetRemainingRatio: Double?
        package var burnRate1h: Double?
        package var window: Window?

        package struct Window: Encodable, Sendable {
            package var start: String
            package var end: String
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: PublicKey.self)
            try container.encode(id, forKey: "id")
            try container.encode(objectivePercent, forKey: "objective_percent")
            try container.encode(finite(attainmentPercent), forKey: "attainment_percent")
            try container.encode(finite(errorBudgetRemainingRatio), forKey: "error_budget_remaining_ratio")
            try container.encode(finite(burnRate1h), forKey: "burn_rate_1h")
            try container.encode(window, forKey: "window")
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: PublicKey.self)
        try header.encode(into: &container)
        try container.encode(service, forKey: "service")
        try container.encode(period, forKey: "period")
        try container.encode(status, forKey: "status")
        try container.encode(finite(uptimePercent), forKey: "uptime_percent")
        try container.encode(latency, forKey: "latency_ms")
        try container.encode(targets, forKey: "targets")
        try container.encode(slos, forKey: "slos")
    }
}
