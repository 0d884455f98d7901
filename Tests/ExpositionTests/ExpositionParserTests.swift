import Foundation
import TestSupport
import Testing

@testable import Core
@testable import Exposition

/// The exposition parser, against the text formats' rules: what it reads, and how it refuses.
@Suite("Exposition parser")
struct ExpositionParserTests {
    func parse(_ text: String, _ format: ExpositionFormat = .prometheusText) -> Exposition {
        ExpositionParser.parse(Array(text.utf8), format: format)
    }

    func firstError(_ text: String, _ format: ExpositionFormat = .prometheusText) throws -> ExpositionError {
        try #require(parse(text, format).errors.first, "expected an error for \(text.debugDescription)")
    }

    @Test func readsEscapedLabelValuesAndHelp() throws {
        let result = parse(
            """
            # HELP a_total Counts things.\\nSecond line with \\\\ backslash.
            # TYPE a_total counter
            a_total{path="C:\\\\dir",msg="say \\"hi\\"\\nbye"} 3

            """)
        #expect(result.errors.isEmpty)
        let family = try #require(result.families.first)
        #expect(family.type == .counter)
        #expect(family.help == "Counts things.\nSecond line with \\ backslash.")
        #expect(family.samples[0].labels == [Label("path", #"C:\dir"#), Label("msg", "say \"hi\"\nbye")])
    }

    /// Help without escapes stays where it is in the text until read; with escapes, or read from
    /// a stream, it is a copy of its own. Either way it reads the same, compares the same, and a
    /// family kept beyond its text (`detached`) holds just its help.
    @Test func helpReadsTheSameFromTheTextAsFromItsOwnCopy() throws {
        let text = """
            # HELP a_total Plain help, écrite en UTF-8.
            # TYPE a_total counter
            a_total 1
            # HELP b Escaped\\nhelp.
            # TYPE b gauge
            b 2
            # HELP c
            # TYPE c gauge
            c 3
            # TYPE d gauge
            d 4

            """
        let whole = parse(text)
        var stream = ExpositionStream(format: .prometheusText)
        var streamed = stream.feed(Array(text.utf8)).families
        streamed += stream.finish().families
        #expect(whole.errors.isEmpty)
        #expect(whole.families.map(\.help) == ["Plain help, écrite en UTF-8.", "Escaped\nhelp.", "", nil])
        #expect(streamed.map(\.help) == whole.families.map(\.help))
        #expect(streamed == whole.families)
        let plain = whole.families[0]
        #expect(plain.helpText.count == text.utf8.count, "help without escapes is read in place")
        let detached = plain.detached
        #expect(detached == plain && detached.helpText.count == "Plain help, écrite en UTF-8.".utf8.count)
        var renamed = plain
        renamed.help = "Other."
        #expect(renamed != plain && renamed.help == "Other.")
        renamed.help = nil
        #expect(renamed.help == nil && renamed.detached.help == nil)
    }

    /// A quoted UTF-8 family name is not a licence to write it unquoted later: the parser reuses
    /// a family's name string in place only for legacy names.
    /// A quoted name then a comma at the very end of the text (no newline, no `}`): an error,
    /// never a read past the end (the parser once looked one byte beyond).
    @Test(arguments: [#"{"a","#, #"x{"a","#, #"{"a", "#])
    func aQuotedNameCutShortAfterItsCommaIsAnError(_ text: String) {
        for format in [ExpositionFormat.prometheusText, .openMetrics] {
            #expect(!ExpositionParser.parse(Array(text.utf8), format: format).errors.isEmpty)
        }
    }

    @Test func aQuotedNameWrittenUnquotedIsStillAnError() {
        let result = parse(
            """
            # HELP "my.metric" Dots need quotes.
            # TYPE my.metric counter
            my.metric 1
            {"my.metric"} 2
            """, .prometheusText)
        #expect(result.errors.map(\.line) == [2, 3], "\(result.errors)")
        #expect(result.errors.allSatisfy { $0.message.contains("invalid character '.'") }, "\(result.errors)")
        #expect(result.families.first?.name == "my.metric" && result.families.first?.samples.map(\.value) == [2])
    }

    @Test func readsSpecialValuesAndBothTimestampUnits() throws {
        let prom = parse("a NaN\nb +Inf 1700000000123\nc -Inf\nd 1.5e3 -5\n")
        #expect(prom.errors.isEmpty)
        let values = prom.samples.map(\.value)
        #expect(values[0].isNaN && values[1] == .infinity && values[2] == -.infinity && values[3] == 1500)
        #expect(prom.samples[1].timestamp == 1_700_000_000.123)
        #expect(prom.samples[3].timestamp == -0.005)
        let om = parse("# TYPE a gauge\na 1 1700000000.5\n# EOF\n", .openMetrics)
        #expect(om.errors.isEmpty)
        #expect(om.samples[0].timestamp == 1_700_000_000.5)
    }

    @Test func openMetricsCounterKeepsCreatedAndExemplars() throws {
        let result = parse(
            """
            # TYPE claims counter
            # HELP claims Claims scored.
            claims_total{code="200"} 761 # {trace_id="def456"} 1.0 1795557118.061
            claims_created{code="200"} 1795557118.05
            # EOF
            """, .openMetrics)
        #expect(result.errors.isEmpty)
        let family = try #require(result.families.first)
        #expect(family.name == "claims" && family.samples.map(\.name) == ["claims_total", "claims_created"])
        #expect(family.samples[0].exemplar == Exemplar(labels: [Label("trace_id", "def456")], value: 1, timestamp: 1_795_557_118.061))
    }

    @Test func groupsHistogramSummaryInfoStatesetAndGaugehistogram() {
        let result = parse(
            """
            # TYPE h histogram
            h_bucket{le="250"} 3
            h_bucket{le="+Inf"} 4
            h_count 4
            h_sum 700
            # TYPE s summary
            s{quantile="0.5"} 0.2
            s_count 2
            s_sum 0.5
            # TYPE g gaugehistogram
            g_bucket{le="+Inf"} 2
            g_gcount 2
            g_gsum 3
            # TYPE b info
            b_info{version="1.4.2"} 1
            # TYPE st stateset
            st{st="running"} 1
            st{st="stopped"} 0
            # EOF
            """, .openMetrics)
        #expect(result.errors.isEmpty)
        #expect(result.families.map(\.type) == [.histogram, .summary, .gaugehistogram, .info, .stateset])
        #expect(result.families.map(\.samples.count) == [4, 3, 3, 1, 2])
    }

    @Test func untypedFederatedSeriesKeepEveryTimestampedSample() {
        let result = parse("# TYPE x untyped\nx{job=\"a\"} 1 1000\nx{job=\"a\"} 2 2000\n")
        #expect(result.errors.isEmpty)
        #expect(result.families[0].type == .unknown)
        #expect(result.samples.map(\.timestamp) == [1, 2])
    }

    @Test(
        arguments: [
            ("a{x=\"\\q\"} 1\n", 1, "invalid escape"),
            ("a{x=\"1\",x=\"2\"} 1\n", 1, "duplicate label x"),
            ("ok 1\na{x=\"1\"}\n", 2, "missing value"),
            ("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", 2, "no le=\"+Inf\" bucket"),
            ("# TYPE c counter\nc -1\n", 2, "negative"),
            ("a 1\nb{x=\"unterminated} 1\n", 2, "unterminated"),
            ("a one\n", 1, "invalid value 'one'"),
            ("a 1 1.5\n", 1, "whole milliseconds"),
            ("# TYPE a counter\n# TYPE a gauge\n", 2, "second '# TYPE'"),
            ("a 1\n# TYPE a gauge\n", 2, "after its samples"),
        ] as [(String, Int, String)])
    func refusesMalformedPrometheusText(_ text: String, line: Int, message: String) throws {
        let error = try firstError(text)
        #expect(error.line == line)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func refusesNonUTF8WithTheLine() throws {
        var bytes = Array("ok 1\n".utf8)
        bytes += [0x61, 0x7B, 0x78, 0x3D, 0x22, 0xC3, 0x28, 0x22, 0x7D, 0x20, 0x31, 0x0A]  // a{x="\xC3("} 1
        let error = try #require(ExpositionParser.parse(bytes, format: .prometheusText).errors.first)
        #expect(error.line == 2)
        #expect(error.message.contains("UTF-8"))
    }

    @Test func aTenMegabyteLineIsAnErrorNotAnAllocation() throws {
        var bytes = Array("ok 1\nhuge{x=\"".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "a"), count: 10 << 20)
        bytes += Array("\"} 1\nafter 2\n".utf8)
        let result = ExpositionParser.parse(bytes, format: .prometheusText)
        #expect(result.errors.count == 1)
        #expect(result.errors[0].line == 2)
        #expect(result.errors[0].message.contains("bytes long"))
        #expect(result.samples.map(\.name) == ["ok", "after"])
    }

    @Test func openMetricsNeedsEOFAndNothingAfterIt() throws {
        #expect(try firstError("a 1\n", .openMetrics).message.contains("missing '# EOF'"))
        #expect(try firstError("a 1\n# EOF\nb 2\n", .openMetrics).message.contains("after '# EOF'"))
        #expect(try firstError("a 1\n\n# EOF\n", .openMetrics).message.contains("blank line"))
    }

    @Test func errorsAreBoundedInNumber() {
        let text = String(repeating: "bad line here\n", count: 10_000)
        #expect(parse(text).errors.count == ExpositionParser.maximumErrors)
    }

    @Test func formatIsChosenByContentTypeOrBytes() {
        #expect(ExpositionFormat(contentType: "application/openmetrics-text; version=1.0.0; charset=utf-8") == .openMetrics)
        #expect(ExpositionFormat(contentType: "text/plain; version=0.0.4") == .prometheusText)
        #expect(ExpositionFormat(contentType: "application/json") == nil)
        #expect(ExpositionFormat(contentType: " Application/OpenMetrics-Text\t;version=1.0.0") == .openMetrics)
        #expect(ExpositionFormat(contentType: "TEXT/PLAIN") == .prometheusText)
        #expect(ExpositionFormat(contentType: "") == .prometheusText)
        #expect(ExpositionFormat(contentType: " ; charset=utf-8") == .prometheusText)
        #expect(ExpositionFormat(contentType: "text/plainer") == nil)
        #expect(ExpositionFormat(contentType: "application/openmetrics-text-x") == nil)
        #expect(ExpositionFormat.sniff(Array("a 1\n# EOF\n".utf8)) == .openMetrics)
        #expect(ExpositionFormat.sniff(Array("a 1\n".utf8)) == .prometheusText)
    }

    @Test(arguments: ["node_exporter.prom", "prometheus_self.prom", "federate.prom", "python_client.prom", "python_client.openmetrics.txt"])
    func everyFixtureParsesCleanly(_ name: String) throws {
        let bytes = try Array(Data(contentsOf: Fixtures.exposition(name)))
        let result = ExpositionParser.parse(bytes, format: ExpositionFormat.sniff(bytes))
        #expect(result.errors.isEmpty, "\(result.errors.prefix(3))")
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(result.samples.count == lines.count)
    }
}

/// The copies in `Tests/Fixtures` stay identical to the shared originals, when those are here.
@Suite("Fixture copies")
struct FixtureCopyTests {
    @Test func copiesMatchTheSharedOriginals() throws {
        let shared = Fixtures.projectRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures/exposition")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: shared.path) else { return }  // a lone clone: nothing to compare
        for name in names {
            let original = try Data(contentsOf: shared.appendingPathComponent(name))
            let copy = try Data(contentsOf: Fixtures.exposition(name))
            #expect(original == copy, "Tests/Fixtures/exposition/\(name) differs from ../shared/fixtures; copy it again")
        }
    }
}
