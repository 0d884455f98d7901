import CoreMetrics
import Foundation
import Logging
import ServiceLifecycle

/// Metrics pushed by batch jobs, Pushgateway-style: groups keyed by `job` and the other labels
/// in the URL, each holding the families last pushed. The collector reads every group each
/// scrape interval, as Prometheus scrapes a Pushgateway.
public actor PushStore {
    /// The grouping labels, `job` first then sorted by name.
    public struct Group: Hashable, Sendable {
        public var labels: [Label]
    }

    /// At most this many groups; a push that would add one more is refused.
    public let maximumGroups: Int
    /// At most this many samples in one group.
    public let maximumSamplesPerGroup: Int
    /// At most this many samples in all groups together (each costs about 200 bytes of memory).
    public let maximumSamples: Int
    var groups: [Group: [String: MetricFamily]] = [:]
    /// Samples each group holds, and their sum.
    var counts: [Group: Int] = [:]
    var total = 0

    public init(maximumGroups: Int = 10_000, maximumSamplesPerGroup: Int = 100_000, maximumSamples: Int = 1_000_000) {
        self.maximumGroups = maximumGroups
        self.maximumSamplesPerGroup = maximumSamplesPerGroup
        self.maximumSamples = maximumSamples
    }

    public enum Mode: Sendable {
        /// PUT: the push replaces the whole group.
        case replaceGroup
        /// POST: the push replaces only the families it names.
        case replaceFamilies
    }

    /// Stores a push, or says why not (in words for a 400/409 answer).
    public func push(_ families: [MetricFamily], to group: Group, mode: Mode) -> String? {
        if groups[group] == nil && groups.count >= maximumGroups {
            return "too many push groups (\(maximumGroups)); delete old ones with DELETE on their URL"
        }
        var current = mode == .replaceGroup ? [:] : groups[group] ?? [:]
        for family in families { current[family.name] = family.detached }  // not holding on to the pushed text
        let samples = current.values.reduce(0) { $0 + $1.samples.count }
        guard samples <= maximumSamplesPerGroup else {
            return "the group would hold \(samples) samples; at most \(maximumSamplesPerGroup) are allowed"
        }
        let after = total - (counts[group] ?? 0) + samples
        guard after <= maximumSamples else {
            return "pushes would hold \(after) samples; at most \(maximumSamples) are kept (limits: push_samples); delete groups no longer pushed"
        }
        groups[group] = current
        counts[group] = samples
        total = after
        return nil
    }

    public func delete(_ group: Group) {
        groups[group] = nil
        total -= counts.removeValue(forKey: group) ?? 0
    }

    /// Every group's families, for the collector to observe.
    public func snapshot() -> [(Group, [MetricFamily])] { groups.map { ($0.key, Array($0.value.values)) } }
}

/// Observes every pushed group once per interval, stamped with the time of observation.
public struct PushCollector: Service {
    let store: PushStore
    let pipeline: IngestPipeline
    let interval: Duration
    let logger: Logger
    /// `hms_samples_ingested_total{source="push"}` and `hms_samples_dropped_total{source="push"}`.
    let counters: (ingested: Counter, dropped: Counter)

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
