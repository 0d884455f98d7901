import Foundation
import TestSupport
import Testing

@testable import Core
@testable import Exposition
@testable import Ingest

/// A target's scrapes, read the cheap way where they can be, give the observations the full
/// parse and mapping give, scrape after scrape.
@Suite("Scrape reader")
struct ScrapeReaderTests {
    static let target = [Label("instance", "a:1"), Label("job", "j")]

    /// Observations in a comparable order (the cheap way gives them in text order, the full
    /// way family by family), NaN compared by its bits.
    static func sorted(_ observations: [SampleMapper.Observation]) -> [String] {
        observations.map { "\($0.series.canonical) \($0.series.kind) \($0.at) \($0.value.bitPattern)" }.sorted()
    }

    static func check(_ texts: [String], format: ExpositionFormat, honorLabels: Bool = false) {
        var reader = ScrapeReader(targetLabels: target, honorLabels: honorLabels)
        for (index, text) in texts.enumerated() {
            let bytes = Array(text.utf8)
            let at = 1_700_000_000_000 + Int64(index) * 15_000
            let read = reader.read(bytes, format: format, scrapedAt: at)
            let parsed = ExpositionParser.parse(bytes, format: format)
            let expected =
                parsed.errors.isEmpty ? SampleMapper.observations(parsed, targetLabels: target, scrapedAt: at, honorLabels: honorLabels) : []
            #expect(read.errors == parsed.errors, "scrape \(index)")
            #expect(Self.sorted(read.observations) == Self.sorted(expected), "scrape \(index)")
        }
    }

    @Test(arguments: ["node_exporter.prom", "prometheus_self.prom", "federate.prom", "python_client.prom", "python_client.openmetrics.txt"])
    func aFixtureScrapedAgainAndAgainReadsAsTheFullWay(_ name: String) throws {
        let text = String(decoding: try Data(contentsOf: Fixtures.exposition(name)), as: UTF8.self)
        let once = ExpositionText.revalued(text)
        let twice = ExpositionText.revalued(once)
        let format = ExpositionFormat.sniff(Array(text.utf8))
        // New values, the same again, a line less (a new shape), and back.
        let shorter = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset != 40 }.map(\.element).joined(separator: "\n")
        Self.check([text, once, twice, twice, shorter, once, text], format: format, honorLabels: name == "federate.prom")
    }

    @Test func valuesThatBreakRulesGapsAndNewSeries() {
        let text = """
            # TYPE jobs_total counter
            jobs_total{queue="a"} 10
            jobs_total{queue="b"} 20 1700000000000
            # TYPE temp gauge
            temp{room="x",job="inner"} 21.5
            # TYPE latency histogram
            latency_bucket{le="1.0"} 1
            latency_bucket{le="+Inf"} 3
            latency_sum 4
            latency_count 3

            """
        Self.check(
            [
                text,
                text.replacingOccurrences(of: "21.5", with: "NaN"),
                text.replacingOccurrences(of: "} 10\n", with: "} -1\n"),  // an error: nothing observed
                text.replacingOccurrences(of: "} 10\n", with: "} NaN\n"),
                text.replacingOccurrences(of: "1700000000000", with: "99999999999999999"),  // beyond any real time
                text.replacingOccurrences(of: "room=\"x\"", with: "room=\"y\""),
                text.replacingOccurrences(of: "} 10\n", with: "} 12\n"),
                text,
            ], format: .prometheusText)
    }
}
