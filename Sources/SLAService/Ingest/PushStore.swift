import Core
import CoreMetrics
import Exposition
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
        public init(labels: [Label]) { self.labels = labels }
    }

    /// At most this many groups; a push that would add one more is refused.
    public let maximumGroups: Int
    /// At most this many samples in one group.
    public let maximumSamplesPerGroup: Int
    /// At most this many samples in all groups together (each costs about 200 bytes of memory).
    public let maximumSamples: Int
    var groups: [Group: [String: MetricFamily]] = [:]
    /// Samples each group holds, and their sum.
    package var counts: [Group: Int] = [:]
    package var total = 0

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
