import Foundation
import Testing

@testable import Exposition
@testable import SLAService
@testable import SLOEngine

/// Every fixture parses to exactly the samples Python's prometheus_client parser reads
/// (installed by `make test`). Known, deliberate differences are listed in the README.
@Suite("Parser parity with prometheus_client")
struct ParserParityTests {
    /// The fixture copies in `Tests/Fixtures` (see its README), or `HMS_FIXTURES`.
    static let fixtures: URL = {
        if let path = ProcessInfo.processInfo.environment["HMS_FIXTURES"] { return URL(fileURLWithPath: path).appendingPathComponent("exposition") }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/exposition")
    }()
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("parity/python_samples.py").path

    /// A sample reduced to what both parsers report, comparable across languages.
    struct Flat: Hashable, CustomStringConvertible {
        var name: String
        var labels: [String]
        var value: String
        var timestamp: Double?
        var description: String { "\(name){\(labels.joined(separator: ","))} \(value) \(timestamp.map { "\($0)" } ?? "-")" }
    }

    static func normalize(_ value: Double) -> String {
        value.isNaN ? "NaN" : value.isInfinite ? (value > 0 ? "+Inf" : "-Inf") : "\(value)"
    }

    func python(_ kind: String, _ path: String) throws -> [Flat] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, kind, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 with prometheus_client must be installed (make test installs it)")
        let rows = try #require(try JSONSerialization.jsonObject(with: data) as? [[Any]])
        return rows.map { row in
            let labels = (row[1] as? [String: String] ?? [:]).map { "\($0.key)=\($0.value)" }.sorted()
            // Numbers arrive as Python's repr() text; Double(String) rounds them correctly.
            let text = row[2] as? String ?? ""
            let value = Double(text).map(Self.normalize) ?? text
            return Flat(name: row[0] as? String ?? "", labels: labels, value: value, timestamp: (row[3] as? String).flatMap(Double.init))
        }
    }

    @Test(arguments: [
        ("node_exporter.prom", "prometheus"), ("prometheus_self.prom", "prometheus"), ("federate.prom", "prometheus"),
        ("python_client.prom", "prometheus"), ("python_client.openmetrics.txt", "openmetrics"),
    ])
    func samplesMatchPython(_ name: String, kind: String) throws {
        let path = Self.fixtures.appendingPathComponent(name).path
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let ours = ExpositionParser.parse(bytes, format: kind == "openmetrics" ? .openMetrics : .prometheusText)
        #expect(ours.errors.isEmpty)
        let mine = ours.samples.map {
            Flat(name: $0.name, labels: $0.labels.map { "\($0.name)=\($0.value)" }.sorted(), value: Self.normalize($0.value), timestamp: $0.timestamp)
        }
        let theirs = try python(kind, path)
        #expect(mine.count == theirs.count)
        let onlyOurs = Set(mine).subtracting(theirs), onlyTheirs = Set(theirs).subtracting(mine)
        #expect(onlyOurs.isEmpty && onlyTheirs.isEmpty, "ours only: \(Array(onlyOurs.prefix(3))); python only: \(Array(onlyTheirs.prefix(3)))")
    }
}
