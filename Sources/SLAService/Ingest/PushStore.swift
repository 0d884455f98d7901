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
    var groups: [Group: [String: MetricFamily]] = [:]

    public init(maximumGroups: Int = 10_000, maximumSamplesPerGroup: Int = 100_000) {
        self.maximumGroups = maximumGroups
        self.maximumSamplesPerGroup = maximumSamplesPerGroup
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
        groups[group] = current
        return nil
    }

    public func delete(_ group: Group) { groups[group] = nil }

    /// Every group's families, for the collector to observe.
    public func snapshot() -> [(Group, [MetricFamily])] { groups.map { ($0.key, Array($0.value.values)) } }
}

/// Observes every pushed group once per interval, stamped with the time of observation.
public struct PushCollector: Service {
    let store: PushStore
    let pipeline: IngestPipeline
    let interval: Duration
    let logger: Logger

    public init(store: PushStore, pipeline: IngestPipeline, interval: Duration, logger: Logger = Logger(label: "hms-ops")) {
        self.store = store
        self.pipeline = pipeline
        self.interval = interval
        self.logger = logger
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
            let round = await pipeline.ingest(
                SampleMapper.observations(exposition, targetLabels: group.labels, scrapedAt: ms, honorLabels: true), source: "push")
            dropped.refused += round.refused
            dropped.refusal = dropped.refusal ?? round.refusal
        }
        return dropped
    }
}
