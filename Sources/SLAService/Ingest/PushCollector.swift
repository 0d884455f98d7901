import Core
import CoreMetrics
import Exposition
import Foundation
import Logging
import ServiceLifecycle

/// Observes every pushed group once per interval, stamped with the time of observation.
public struct PushCollector: Service {
    package let store: PushStore
    package let pipeline: IngestPipeline
    package let interval: Duration
    package let logger: Logger
    /// `hms_samples_ingested_total{source="push"}` and `hms_samples_dropped_total{source="push"}`.
    package let counters: (ingested: Counter, dropped: Counter)

    public init(
        store: PushStore, pipeline: IngestPipeline, interval: Duration, logger: Logger = Logger(label: "hms-ops"),
        metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        self.store = store
        self.pipeline = pipeline
        self.interval = interval
        self.logger = logger
        counters = (
            Counter(label: "hms_samples_ingested_total", dimensions: [("source", "push")], factory: metrics),
            Counter(label: "hms_samples_dropped_total", dimensions: [("source", "push"), ("reason", "invalid_series")], factory: metrics)
        )
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var refusing = false
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let dropped = await collect(at: WallClock.now())
                if (dropped.refused > 0) != refusing {
                    refusing = dropped.refused > 0
                    if refusing {
                        logger.warning(
                            "pushed samples were not kept", metadata: ["samples": "\(dropped.refused)", "first": "\(dropped.refusal ?? "")"])
                    }
                }
            }
        }
    }

    /// One round: every pushed sample, with its group's labels, at `ms`. Returns what was
    /// dropped (new series past the `limits:` budget of pushes among them).
    @discardableResult
    public func collect(at ms: Int64) async -> MinuteAccumulator.Dropped {
        var dropped = MinuteAccumulator.Dropped()
        for (group, families) in await store.snapshot() {
            let exposition = Exposition(format: .prometheusText, families: families, errors: [])
            let observations = SampleMapper.observations(exposition, targetLabels: group.labels, scrapedAt: ms, honorLabels: true)
            let round = await pipeline.ingest(observations, source: "push")
            if observations.count > round.total { counters.ingested.increment(by: Int64(observations.count - round.total)) }
            if round.total > 0 { counters.dropped.increment(by: Int64(round.total)) }
            dropped.refused += round.refused
            dropped.refusal = dropped.refusal ?? round.refusal
        }
        return dropped
    }
}
