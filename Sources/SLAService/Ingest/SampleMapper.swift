import Core
import Exposition

/// Turns parsed families into the series the accumulator folds: which samples are counters,
/// which gauges, which histogram buckets, with the target's `job` and `instance` labels.
public enum SampleMapper {
    /// One observation: a series, its value and when (milliseconds since the epoch).
    public struct Observation: Sendable, Equatable {
        public var series: SeriesKey
        public var value: Double
        public var at: Int64
    }

    /// What the last scrape of one target mapped, sample by sample: a target exposes the same
    /// series in the same order scrape after scrape, so the next scrape checks each sample against
    /// the one at its position and, when name, labels and family type match, reuses its series
    /// (no label merge, no sorting, no hashing). Keep one per target; it only ever speeds up.
    public struct SeriesCache: Sendable {
        struct Entry: Sendable {
            package var name: String
            package var labels: [Label]
            package var type: MetricType
            package var series: SeriesKey?  // nil: a sample not kept (`_created`)
        }
        var entries: [Entry] = []
        public init() {}
    }

    /// Labels every series from a target carries. With `honorLabels` (federation), labels the
    /// exposition sets win; otherwise they are kept as `exported_<name>`, as Prometheus does.
    public static func observations(
        _ exposition: Exposition, targetLabels: [Label], scrapedAt: Int64, honorLabels: Bool = false
    ) -> [Observation] {
        var cache = SeriesCache()
        return observations(exposition, targetLabels: targetLabels, scrapedAt: scrapedAt, honorLabels: honorLabels, cache: &cache)
    }

    /// The same, reusing (and refreshing) what `cache` holds from this target's last scrape.
    public static func observations(
        _ exposition: Exposition, targetLabels: [Label], scrapedAt: Int64, honorLabels: Bool = false, cache: inout SeriesCache
    ) -> [Observation] {
        var out: [Observation] = []
        let total = exposition.families.reduce(0) { $0 + $1.samples.count }
        out.reserveCapacity(total)
        let om = exposition.format == .openMetrics
        var position = 0
        for family in exposition.families {
            for sample in family.samples {
                defer { position += 1 }
                let series: SeriesKey?
                if position < cache.entries.count, case let entry = cache.entries[position], entry.type == family.type,
                    entry.name == sample.name, entry.labels == sample.labels
                {
                    series = entry.series
                } else {
                    series = seriesKey(for: sample, in: family, openMetrics: om, targetLabels: targetLabels, honorLabels: honorLabels)
                    let entry = SeriesCache.Entry(name: sample.name, labels: sample.labels, type: family.type, series: series)
                    if position < cache.entries.count { cache.entries[position] = entry } else { cache.entries.append(entry) }
                }
                guard let series, let at = milliseconds(sample.timestamp, scrapedAt: scrapedAt) else { continue }
                out.append(Observation(series: series, value: sample.value, at: at))
            }
        }
        if cache.entries.count > total { cache.entries.removeLast(cache.entries.count - total) }
        return out
    }

    /// When a sample was taken, in milliseconds since the epoch: its own timestamp (seconds) if
    /// it has one, else the scrape's time. A timestamp is trusted only within ±30,000 years:
    /// beyond that (OpenMetrics allows any finite number) it cannot be a real time and would
    /// overflow milliseconds, and the sample is not kept (nil).
    package static func milliseconds(_ timestamp: Double?, scrapedAt: Int64) -> Int64? {
        guard let seconds = timestamp else { return scrapedAt }
        return abs(seconds) < 1e12 ? Int64((seconds * 1000).rounded()) : nil
    }

    /// The series a sample belongs to, with the target's labels; nil for samples not kept.
    package static func seriesKey(
        for sample: ExpositionSample, in family: MetricFamily, openMetrics: Bool, targetLabels: [Label], honorLabels: Bool
    ) -> SeriesKey? {
        guard let kind = kind(of: sample.name, in: family, openMetrics: openMetrics) else { return nil }
        var labels = sample.labels  // shared with the exposition unless a bound is rewritten
        if kind == .histogramBucket, let index = labels.firstIndex(where: { $0.name == "le" }) {
            let bound = FamilyValidator.canonicalBound(labels[index].value)
            if bound != labels[index].value { labels[index].value = bound }
        }
        return SeriesKey(metric: sample.name, own: labels, target: targetLabels, honor: honorLabels, kind: kind)
    }

    /// How a sample is folded; nil for samples we do not keep (`_created` timestamps).
    package static func kind(of name: String, in family: MetricFamily, openMetrics: Bool) -> SeriesKind? {
        let base = family.name
        switch family.type {
        case .counter:
            return name.hasSuffix("_created") && name != base ? nil : .counter
        case .histogram:
            if name == base + "_bucket" { return .histogramBucket }
            if name == base + "_created" { return nil }
            return .counter
        case .summary:
            if name == base + "_created" { return nil }
            return name == base ? .gauge : .counter
        case .gauge, .gaugehistogram, .info, .stateset:
            return .gauge
        case .unknown:
            return .untyped
        }
    }

    /// A series known only by its name and labels (remote-write, a Prometheus without metadata):
    /// the kind comes from the name, the same way every time, so a series never changes kind.
    /// `_bucket` with an `le` label is a histogram bucket; `_total`, `_count` and `_sum` are
    /// counters; anything else is untyped (increases and gauge statistics both kept).
    package static func seriesKey(named name: String, labels: [Label]) -> SeriesKey {
        var labels = labels
        let kind: SeriesKind
        if name.hasSuffix("_bucket"), let index = labels.firstIndex(where: { $0.name == "le" }) {
            kind = .histogramBucket
            labels[index].value = FamilyValidator.canonicalBound(labels[index].value)
        } else if name.hasSuffix("_total") || name.hasSuffix("_count") || name.hasSuffix("_sum") {
            kind = .counter
        } else {
            kind = .untyped
        }
        return SeriesKey(metric: name, labels: labels, kind: kind)
    }
}
