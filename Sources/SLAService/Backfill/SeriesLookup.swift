import Core
import Exposition
import Ingest

/// The series of each sample, computed once per distinct (name, labels, family) and then looked
/// up: an import meets the same few thousand series millions of times.
struct SeriesLookup {
    struct Identity: Hashable {
        package var name: String
        var labels: [Label]
        var family: String
        package var type: MetricType
    }
    var known: [Identity: SeriesKey?] = [:]
    let targetLabels: [Label]
    /// Entries kept at most; past that the table starts again (it only ever saves work).
    static let limit = 1_000_000

    package init(targetLabels: [Label]) { self.targetLabels = targetLabels }

    mutating func series(for sample: ExpositionSample, in family: MetricFamily, openMetrics: Bool) -> SeriesKey? {
        let identity = Identity(name: sample.name, labels: sample.labels, family: family.name, type: family.type)
        if let found = known[identity] { return found }
        let series = SampleMapper.seriesKey(for: sample, in: family, openMetrics: openMetrics, targetLabels: targetLabels, honorLabels: true)
        if known.count >= Self.limit { known.removeAll(keepingCapacity: true) }
        known[identity] = series
        return series
    }
}
