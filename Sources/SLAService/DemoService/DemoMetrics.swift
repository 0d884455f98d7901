import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// The demo's instruments: the seed's claim-scoring metrics plus the suite's integration
/// metrics, all in the demo's own registry (never the server's).
final class DemoMetrics: Sendable {
    package let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let claimsByCode: Mutex<[Int: CoreMetrics.Counter]> = Mutex([:])
    let latency: CoreMetrics.Recorder
    let governancePass: CoreMetrics.Counter
    let governanceBlock: CoreMetrics.Counter
    let agentRuns: CoreMetrics.Counter
    let incidents: CoreMetrics.Counter
    let stepDuration: CoreMetrics.Recorder
    let tasksWaiting: CoreMetrics.Gauge
    private let waiting = Mutex(0)

    /// Latency buckets in ms; 250 and 400 are the seed's SLO and alert thresholds.
    static let latencyBuckets: [Double] = [5, 10, 25, 50, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 2500, 5000, 10000]
    static let stepBuckets: [Double] = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500]

    package init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets = ["latency_ms": Self.latencyBuckets, "act_step_duration_ms": Self.stepBuckets]
        self.factory = factory
        latency = CoreMetrics.Recorder(label: "latency_ms", dimensions: [], aggregate: true, factory: factory)
        governancePass = CoreMetrics.Counter(label: "gov_checks_total", dimensions: [("decision", "PASS")], factory: factory)
        governanceBlock = CoreMetrics.Counter(label: "gov_checks_total", dimensions: [("decision", "BLOCK")], factory: factory)
        agentRuns = CoreMetrics.Counter(label: "agent_runs_total", dimensions: [], factory: factory)
        incidents = CoreMetrics.Counter(label: "esq_incidents_total", dimensions: [], factory: factory)
        stepDuration = CoreMetrics.Recorder(label: "act_step_duration_ms", dimensions: [], aggregate: true, factory: factory)
        tasksWaiting = CoreMetrics.Gauge(label: "hitl_tasks_waiting", dimensions: [], factory: factory)
        tasksWaiting.record(0)
        _ = claims(code: 200)
    }

    /// `claims_total{code}`, one counter per status code.
    func claims(code: Int) -> CoreMetrics.Counter {
        claimsByCode.withLock { counters in
            if let counter = counters[code] { return counter }
            let counter = CoreMetrics.Counter(label: "claims_total", dimensions: [("code", String(code))], factory: factory)
            counters[code] = counter
            return counter
        }
    }

    /// What the rest of the suite would report around one scored claim.
    func recordSuiteActivity<R: RandomNumberGenerator>(using random: inout R) {
        let blocked = Double.random(in: 0..<1, using: &random) < 0.03
        (blocked ? governanceBlock : governancePass).increment()
        if Double.random(in: 0..<1, using: &random) < 0.3 { agentRuns.increment() }
        stepDuration.record(DemoService.logNormal(median: 40, sigma: 0.6, using: &random))
        if Double.random(in: 0..<1, using: &random) < 0.00002 { incidents.increment() }
        // Blocked claims wait for a human; people clear the queue at their own pace.
        let drained = Double.random(in: 0..<1, using: &random) < 0.025
        let now = waiting.withLock { count -> Int in
            count = max(0, count + (blocked ? 1 : 0) - (drained ? 1 : 0))
            return count
        }
        tasksWaiting.record(now)
    }
}
