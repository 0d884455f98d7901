import Config
import Core
import Foundation
import Logging
import PostgresNIO
import Storage

/// The operations suite's own metrics over a period, summed over the public services (a hidden
/// service's figures never reach the public page): governance decisions (`gov_checks_total` by
/// `decision`), agent runs, security incidents (`esq_incidents_total`: the dashboard's red
/// banner), human-review tasks waiting (a gauge's last value) and workflow step durations
/// (`act_step_duration_ms`, a histogram). Nil where no public service has the metric.
public struct SuiteFigures: Sendable, Equatable {
    public var governancePass: Double?
    public var governanceBlock: Double?
    public var agentRuns: Double?
    public var incidents: Double?
    /// Public services whose incidents increased in the period, by name.
    public var incidentServices: [String] = []
    public var tasksWaiting: Double?
    public var stepP50: Double?
    public var stepP95: Double?

    public init() {}

    /// Reads the figures over `span` for `services` (public ones only).
    package static func read(_ services: [ServiceDefinition], span: TimeSpan, postgres: PostgresClient, logger: Logger) async throws -> SuiteFigures {
        let query = RollupQuery(postgres: postgres, logger: logger)
        var out = SuiteFigures()
        var steps: [Double: Double] = [:]
        func add(_ total: inout Double?, _ value: Double?) { if let value { total = (total ?? 0) + value } }
        for service in services where service.isPublic {
            func increase(_ text: String) async throws -> Double? {
                try await query.increase(try SLISelectors.scoped(text, service: service.id), from: span.start, to: span.end)
            }
            add(&out.governancePass, try await increase(#"gov_checks_total{decision="PASS"}"#))
            add(&out.governanceBlock, try await increase(#"gov_checks_total{decision="BLOCK"}"#))
            add(&out.agentRuns, try await increase("agent_runs_total"))
            let incidents = try await increase("esq_incidents_total")
            add(&out.incidents, incidents)
            if (incidents ?? 0) > 0 { out.incidentServices.append(service.name) }
            let waiting = try await query.gauge(try SLISelectors.scoped("hitl_tasks_waiting", service: service.id), from: span.start, to: span.end)
            add(&out.tasksWaiting, waiting?.last)
            for (le, count) in try await query.buckets(
                try SLISelectors.scoped("act_step_duration_ms", service: service.id), from: span.start, to: span.end)
            {
                steps[le, default: 0] += count
            }
        }
        let buckets = steps.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }
        out.stepP50 = HistogramQuantile.quantile(0.5, buckets: buckets)
        out.stepP95 = HistogramQuantile.quantile(0.95, buckets: buckets)
        return out
    }
}
