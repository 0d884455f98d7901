import Core
import Exposition

/// Reads one target's scrapes into observations, keeping what makes its next scrape cheap: the
/// last good text as a template (`ExpositionTemplate`) and the mapper's cache of its series. A
/// scrape that is the template's text but for numbers that break no rule becomes observations
/// straight from those numbers: no families, no label compares, no hashing. Anything else is read and mapped the full way. Keep one per target.
struct ScrapeReader: Sendable {
    package let targetLabels: [Label]
    package let honorLabels: Bool
    package private(set) var template: ExpositionTemplate?
    /// The mapper's cache, in the family order of the template's exposition: its entries hold
    /// each sample's series (nil: a sample not kept).
    private var cache = SampleMapper.SeriesCache()
    /// Where each of the template's families begins among the cache's entries.
    private var firsts: [Int] = []
    /// The series Prometheus adds for every scrape of a target (`up`, `scrape_duration_seconds`,
    /// `scrape_samples_scraped`), made once.
    let scrapeSeries: (up: SeriesKey, duration: SeriesKey, samples: SeriesKey)

    package init(targetLabels: [Label], honorLabels: Bool) {
        self.targetLabels = targetLabels
        self.honorLabels = honorLabels
        scrapeSeries = (
            SeriesKey(metric: "up", labels: targetLabels, kind: .gauge),
            SeriesKey(metric: "scrape_duration_seconds", labels: targetLabels, kind: .gauge),
            SeriesKey(metric: "scrape_samples_scraped", labels: targetLabels, kind: .gauge)
        )
    }

    /// The observations of one scrape (`bytes` taken at `scrapedAt`), or what was wrong with it
    /// (then nothing of it is observed).
    package mutating func read(_ bytes: [UInt8], format: ExpositionFormat, scrapedAt: Int64) -> (
        observations: [SampleMapper.Observation], errors: [ExpositionError]
    ) {
        let exposition: Exposition
        if let template {
            switch template.match(bytes, format: format) {
            case .values(let values):
                var out: [SampleMapper.Observation] = []
                out.reserveCapacity(values.count + 3)  // and the scrape's own three series
                for (span, value) in zip(template.samples, values) {
                    guard let series = cache.entries[firsts[Int(span.family)] + Int(span.index)].series,
                        let at = SampleMapper.milliseconds(value.timestamp, scrapedAt: scrapedAt)
                    else { continue }
                    out.append(.init(series: series, value: value.value, at: at))
                }
                return (out, [])
            case .exposition(let read, let matched):
                exposition = read
                if !matched { self.template = nil }
            }
        } else {
            exposition = ExpositionParser.parse(bytes, format: format)
        }
        guard exposition.errors.isEmpty else { return ([], exposition.errors) }
        guard template == nil else {
            return (
                SampleMapper.observations(exposition, targetLabels: targetLabels, scrapedAt: scrapedAt, honorLabels: honorLabels, cache: &cache), []
            )
        }
        // A new shape: mapped from the template's own (compacted) copy, so that the series keys
        // and the template share their label arrays.
        template = ExpositionTemplate(bytes: bytes, exposition: exposition)
        let observations = SampleMapper.observations(
            template?.exposition ?? exposition, targetLabels: targetLabels, scrapedAt: scrapedAt, honorLabels: honorLabels, cache: &cache)
        // The cache now holds this exposition's series in family order; the template's samples
        // name their family and place in it.
        firsts = []
        var count = 0
        for family in exposition.families {
            firsts.append(count)
            count += family.samples.count
        }
        return (observations, [])
    }
}
