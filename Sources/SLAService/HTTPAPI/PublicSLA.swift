import Widgets

/// `GET /public/v1/services/{id}/sla`: a service's figures over a period (schema `sla.json`,
/// `sla.xsd`). Percentages of attainment are floored, never rounded up to a promise kept.
package struct PublicSLA: PublicFields, Sendable {
    package var header: PublicHeader
    package var service: Service
    package var period: Period
    package var status: SLACardStatus
    package var uptimePercent: Double?
    package var latency: Latency
    package var targets: Targets
    package var slos: [SLO]

    package struct Service: PublicFields, Sendable {
        package var id: String
        package var name: String
        package var agency: String?

        package var fields: [PublicField] { [("id", id), ("name", name), ("agency", agency)] }
    }

    /// The period's name and zone; its bounds (UTC and local) once there are figures for it.
    package struct Period: PublicFields, Sendable {
        package var name: String
        package var bounds: Bounds?
        package var timeZone: String

        package struct Bounds: Sendable {
            package var start: String
            package var end: String
            package var startLocal: String
            package var endLocal: String
        }

        package var fields: [PublicField] {
            let spans: [PublicField] =
                bounds.map { [("start", $0.start), ("end", $0.end), ("start_local", $0.startLocal), ("end_local", $0.endLocal)] } ?? []
            return [("name", name)] + spans + [("time_zone", timeZone)]
        }
    }

    package struct Latency: PublicFields, Sendable {
        package var p50: Double?
        package var p95: Double?

        package var fields: [PublicField] { [("p50", finite(p50)), ("p95", finite(p95))] }
    }

    /// What the service promises: its availability objective (an exact decimal) and its latency
    /// bound, nil where it has none.
    package struct Targets: PublicFields, Sendable {
        package var uptimePercent: String?
        package var latency: LatencyTarget?

        package struct LatencyTarget: PublicFields, Sendable {
            package var percentile: Double?
            package var below: Double

            package var fields: [PublicField] { [("percentile", finite(percentile)), ("below", finite(below))] }
        }

        package var fields: [PublicField] { [("uptime_percent", uptimePercent), ("latency_ms", latency)] }
    }

    package struct SLO: PublicFields, Sendable {
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

        /// The budget left as a share of the whole; a budget that is not finite (an objective of
        /// 100 %) is spent: -1, an integer, as the answers have always written it.
        var remaining: any Encodable & Sendable {
            guard let ratio = errorBudgetRemainingRatio else { return Double?.none }
            return ratio.isFinite ? ratio : -1
        }

        package var fields: [PublicField] {
            [
                ("id", id), ("objective_percent", objectivePercent), ("attainment_percent", finite(attainmentPercent)),
                ("error_budget_remaining_ratio", remaining), ("burn_rate_1h", finite(burnRate1h)), ("window", window),
            ]
        }
    }

    package var fields: [PublicField] {
        header.fields + [
            ("service", service), ("period", period), ("status", status), ("uptime_percent", finite(uptimePercent)), ("latency_ms", latency),
            ("targets", targets), ("slos", slos),
        ]
    }
}
