import Foundation
import TestSupport
import Testing

@testable import Exposition

/// Parsing in pieces reads what parsing at once reads, in bounded memory.
@Suite("Exposition stream")
struct ExpositionStreamTests {
    /// Feeds `bytes` in pieces of `size` and gathers every sample and error handed out.
    func streamed(_ bytes: [UInt8], format: ExpositionFormat, size: Int) -> (samples: [ExpositionSample], errors: [ExpositionError]) {
        var stream = ExpositionStream(format: format)
        var samples: [ExpositionSample] = []
        var errors: [ExpositionError] = []
        var start = 0
        while start < bytes.count {
            let piece = Array(bytes[start..<min(start + size, bytes.count)])
            let out = stream.feed(piece)
            samples += out.families.flatMap(\.samples)
            errors += out.errors
            start += size
        }
        let out = stream.finish()
        samples += out.families.flatMap(\.samples)
        errors += out.errors
        return (samples.sorted { $0.line < $1.line }, errors)
    }

    @Test(arguments: ["node_exporter.prom", "prometheus_self.prom", "federate.prom", "python_client.prom", "python_client.openmetrics.txt"])
    func fixturesReadTheSameInAnyPieces(_ name: String) throws {
        let bytes = try Array(Data(contentsOf: Fixtures.exposition(name)))
        let format = ExpositionFormat.sniff(bytes)
        let whole = ExpositionParser.parse(bytes, format: format)
        for size in [1, 13, 4096, bytes.count] {
            let pieces = streamed(bytes, format: format, size: size)
            #expect(pieces.errors.isEmpty, "piece size \(size): \(pieces.errors.prefix(3))")
            #expect(pieces.samples == whole.samples, "piece size \(size)")
        }
    }

    /// A month-like file: histogram points at many times, each point validated whole.
    static let timestamped: String = {
        var text = "# HELP lat_seconds Latency.\n# TYPE lat_seconds histogram\n"
        for route in ["a", "b"] {
            for t in 0..<40 {
                let n = Double(t * 3)
                text += "lat_seconds_bucket{route=\"\(route)\",le=\"0.1\"} \(n) \(1_700_000_000 + t * 15)\n"
                text += "lat_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(n + 1) \(1_700_000_000 + t * 15)\n"
                text += "lat_seconds_count{route=\"\(route)\"} \(n + 1) \(1_700_000_000 + t * 15)\n"
                text += "lat_seconds_sum{route=\"\(route)\"} \(n * 0.05) \(1_700_000_000 + t * 15)\n"
            }
        }
        text += "# TYPE up gauge\n"
        for t in 0..<40 { text += "up 1 \(1_700_000_000 + t * 15)\n" }
        return text + "# EOF\n"
    }()

    @Test func timestampedHistogramPointsAreValidatedOneByOne() {
        let bytes = Array(Self.timestamped.utf8)
        let whole = ExpositionParser.parse(bytes, format: .openMetrics)
        #expect(whole.errors.isEmpty, "\(whole.errors.prefix(3))")
        #expect(whole.samples.count == 40 * 8 + 40)
        for size in [1, 29, 200, 1000] {
            let pieces = streamed(bytes, format: .openMetrics, size: size)
            #expect(pieces.errors.isEmpty, "piece size \(size): \(pieces.errors.prefix(3))")
            #expect(pieces.samples == whole.samples, "piece size \(size)")
        }
    }

    @Test func aPointIsNeverSplitBetweenPieces() {
        // Cut right after the first bucket: the point's other samples must come with it.
        let text = Self.timestamped
        let cut = text.range(of: "le=\"0.1\"} 0.0 1700000000\n")!.upperBound
        var stream = ExpositionStream(format: .openMetrics)
        let first = stream.feed(Array(text[..<cut].utf8))
        #expect(first.families.allSatisfy { $0.samples.isEmpty } || first.families.isEmpty)
        let rest = stream.feed(Array(text[cut...].utf8))
        #expect(rest.errors.isEmpty)
        let points = rest.families.flatMap(\.samples)
        #expect(points.first?.name == "lat_seconds_bucket" && points.first?.line == 3)
    }

    @Test func lineErrorsKeepTheirNumbersAcrossPieces() {
        let text = "# TYPE a gauge\na 1 1\na{x=\"1\",x=\"2\"} 2 2\na 3 3\na{y=\"1} 4\n# EOF\n"
        let whole = ExpositionParser.parse(Array(text.utf8), format: .openMetrics)
        let pieces = streamed(Array(text.utf8), format: .openMetrics, size: 5)
        #expect(whole.errors.map(\.line) == [3, 5])
        #expect(pieces.errors == whole.errors)
        #expect(pieces.samples == whole.samples)
    }

    @Test func aMissingEOFIsFoundAtTheEnd() {
        let pieces = streamed(Array("# TYPE a gauge\na 1 1\n".utf8), format: .openMetrics, size: 4)
        #expect(pieces.errors.map(\.line) == [3])
        #expect(pieces.errors.first?.message.contains("EOF") == true)
    }

    @Test func anEndlessLineIsRefusedWithoutHoldingIt() {
        var stream = ExpositionStream(format: .prometheusText)
        var errors: [ExpositionError] = []
        let block = [UInt8](repeating: UInt8(ascii: "a"), count: 65_536)
        for _ in 0..<160 {  // 10 MB without a newline
            errors += stream.feed(block).errors
            #expect(stream.carry.count <= ExpositionParser.maximumLineBytes + 65_536)
        }
        let after = stream.feed(Array("\nb 2\n".utf8))
        let end = stream.finish()
        errors += after.errors + end.errors
        #expect(errors.map(\.line) == [1])
        let samples = (after.families + end.families).flatMap(\.samples)
        #expect(samples.map(\.name) == ["b"] && samples.first?.line == 2)
    }
}
