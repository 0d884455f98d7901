import Foundation
import TestSupport
import Testing

@testable import Exposition

/// Reading a scrape by its values alone gives what the full parser gives, and only when the
/// text is the same but for its numbers.
@Suite("Exposition template")
struct ExpositionTemplateTests {
    static func same(_ a: Exposition, _ b: Exposition) -> Bool {
        a.format == b.format && a.errors == b.errors && a.families == b.families && a.samples.map(\.line) == b.samples.map(\.line)
            && a.samples.map(\.timestamp) == b.samples.map(\.timestamp)
    }

    @Test(arguments: ["node_exporter.prom", "prometheus_self.prom", "federate.prom", "python_client.prom", "python_client.openmetrics.txt"])
    func aFixtureWithNewValuesReadsAsTheParserReadsIt(_ name: String) throws {
        let bytes = try Array(Data(contentsOf: Fixtures.exposition(name)))
        let format = ExpositionFormat.sniff(bytes)
        let template = ExpositionTemplate(bytes: bytes, exposition: ExpositionParser.parse(bytes, format: format))
        if !name.hasSuffix("openmetrics.txt") { #expect(template != nil) }  // OpenMetrics here has exemplars
        guard let template else { return }
        let changed = Array(ExpositionText.revalued(String(decoding: bytes, as: UTF8.self)).utf8)
        #expect(changed != bytes)
        let (read, matched) = template.read(changed, format: format)
        #expect(matched)
        let parsed = ExpositionParser.parse(changed, format: format)
        #expect(parsed.errors.isEmpty)
        #expect(Self.same(read, parsed))
        #expect(read.samples.map(\.value) != ExpositionParser.parse(bytes, format: format).samples.map(\.value))
    }

    /// Anything but the numbers changed, or numbers that break a rule: the full parser reads it.
    @Test func otherChangesAndBadValuesGoToTheParser() throws {
        let text = """
            # HELP jobs_total Jobs.
            # TYPE jobs_total counter
            jobs_total{queue="a"} 10
            jobs_total{queue="b"} 20 1700000000000
            # TYPE latency histogram
            latency_bucket{le="1"} 1
            latency_bucket{le="+Inf"} 3
            latency_sum 4
            latency_count 3

            """
        let bytes = Array(text.utf8)
        let template = try #require(ExpositionTemplate(bytes: bytes, exposition: ExpositionParser.parse(bytes, format: .prometheusText)))
        let variants: [(String, Bool)] = [
            (text.replacingOccurrences(of: "} 10\n", with: "} 12.5e1\n"), true),
            (text.replacingOccurrences(of: "20 1700000000000", with: "25 1700000015000"), true),
            (text.replacingOccurrences(of: "queue=\"b\"", with: "queue=\"c\""), false),  // a label
            (text.replacingOccurrences(of: "# HELP jobs_total Jobs.", with: "# HELP jobs_total Jobs done."), false),
            (text.replacingOccurrences(of: "} 10\n", with: "} 10\njobs_total{queue=\"z\"} 1\n"), false),  // a line more
            (text.replacingOccurrences(of: "} 10\n", with: "} -10\n"), false),  // a negative counter: an error
            // Buckets out of order: 0.0.4 is not checked for that (nor by the parser), so read as is.
            (text.replacingOccurrences(of: "le=\"+Inf\"} 3", with: "le=\"+Inf\"} 0"), true),
            (text.replacingOccurrences(of: "latency_count 3", with: "latency_count -3"), false),  // a negative count
            (text.replacingOccurrences(of: "} 10\n", with: "} ten\n"), false),  // not a number
            (text.replacingOccurrences(of: "} 10\n", with: "} 10 \n"), false),  // a trailing blank
            (text.replacingOccurrences(of: "} 10\n", with: "} 10\r\n"), false),  // CRLF
            (text.replacingOccurrences(of: "20 1700000000000", with: "20 17e11"), false),  // not whole milliseconds
            (text.replacingOccurrences(of: "latency_count 3\n", with: "latency_count 3"), false),  // no final newline
            (text + "extra 1\n", false),
        ]
        for (variant, shouldMatch) in variants {
            let new = Array(variant.utf8)
            let (read, matched) = template.read(new, format: .prometheusText)
            #expect(matched == shouldMatch, "\(variant)")
            #expect(Self.same(read, ExpositionParser.parse(new, format: .prometheusText)), "\(variant)")
        }
        #expect(!template.read(bytes, format: .openMetrics).matched)  // another format: read afresh
    }

    /// Values that no rule looks at (0.0.4 gauges, any non-negative number) are taken as they
    /// are; a value a rule looks at has its family checked, as the parser would.
    @Test func onlyValuesARuleLooksAtAreChecked() throws {
        let text = """
            # TYPE jobs_total counter
            jobs_total{queue="a"} 10
            # TYPE temp gauge
            temp{room="x"} 21.5
            # TYPE latency histogram
            latency_bucket{le="1"} 1
            latency_bucket{le="+Inf"} 3
            latency_sum 4
            latency_count 3
            # TYPE rpc summary
            rpc{quantile="0.5"} 2
            rpc_sum 10
            rpc_count 5

            """
        enum Way: Equatable { case values, checked, parsed }
        let bytes = Array(text.utf8)
        let template = try #require(ExpositionTemplate(bytes: bytes, exposition: ExpositionParser.parse(bytes, format: .prometheusText)))
        for (variant, expected) in [
            (text.replacingOccurrences(of: "} 10\n", with: "} 11\n"), Way.values),
            (text.replacingOccurrences(of: "21.5", with: "-5"), .values),  // a gauge may be anything
            (text.replacingOccurrences(of: "21.5", with: "NaN"), .values),
            (text.replacingOccurrences(of: "} 10\n", with: "} NaN\n"), .checked),  // 0.0.4 lets a counter be NaN
            (text.replacingOccurrences(of: "latency_sum 4", with: "latency_sum -4"), .checked),
            (text.replacingOccurrences(of: "\"0.5\"} 2", with: "\"0.5\"} -2"), .checked),
            (text.replacingOccurrences(of: "} 10\n", with: "} -1\n"), .parsed),  // errors
            (text.replacingOccurrences(of: "latency_count 3", with: "latency_count -3"), .parsed),
            (text.replacingOccurrences(of: "le=\"1\"} 1", with: "le=\"1\"} NaN"), .parsed),
            (text.replacingOccurrences(of: "rpc_count 5", with: "rpc_count -5"), .parsed),
        ] {
            let new = Array(variant.utf8)
            let way: Way
            switch template.match(new, format: .prometheusText) {
            case .values: way = .values
            case .exposition(_, let matched): way = matched ? .checked : .parsed
            }
            #expect(way == expected, "\(variant)")
            #expect(
                Self.same(template.read(new, format: .prometheusText).exposition, ExpositionParser.parse(new, format: .prometheusText)), "\(variant)")
        }
    }

    /// OpenMetrics: its rules on values hold (buckets in order, counts equal to `+Inf`).
    @Test func openMetricsValuesAreCheckedToItsRules() throws {
        let text = """
            # TYPE latency histogram
            latency_bucket{le="1"} 1
            latency_bucket{le="+Inf"} 3
            latency_count 3
            latency_sum 4
            # TYPE up gauge
            up 1 1700000000.5
            # EOF

            """
        let bytes = Array(text.utf8)
        let template = try #require(ExpositionTemplate(bytes: bytes, exposition: ExpositionParser.parse(bytes, format: .openMetrics)))
        for (variant, shouldMatch) in [
            (text.replacingOccurrences(of: "} 3\nlatency_count 3", with: "} 7\nlatency_count 7"), true),
            (text.replacingOccurrences(of: "1700000000.5", with: "1700000015.25"), true),
            (text.replacingOccurrences(of: "} 3\nlatency_count 3", with: "} 0\nlatency_count 0"), false),  // buckets out of order
            (text.replacingOccurrences(of: "latency_count 3", with: "latency_count 5"), false),  // count is not +Inf
            (text.replacingOccurrences(of: "# EOF\n", with: "# EOF\nup 2\n"), false),  // text after EOF
        ] {
            let new = Array(variant.utf8)
            let (read, matched) = template.read(new, format: .openMetrics)
            #expect(matched == shouldMatch, "\(variant)")
            #expect(Self.same(read, ExpositionParser.parse(new, format: .openMetrics)), "\(variant)")
        }
    }

    /// Exemplars, several blanks between parts and a CR make no template; nor do errors.
    @Test func onlyPlainErrorFreeTextMakesATemplate() {
        for text in [
            "a_total 1 # {trace_id=\"x\"} 1\n", "a  1\n", "a 1\r\n", "a{x=\"1\"}  1\n", "a_total -1\n# TYPE a_total counter\n",
        ] {
            let bytes = Array(text.utf8)
            let format: ExpositionFormat = text.contains("trace_id") ? .openMetrics : .prometheusText
            #expect(ExpositionTemplate(bytes: bytes, exposition: ExpositionParser.parse(bytes, format: format)) == nil, "\(text)")
        }
    }
}
