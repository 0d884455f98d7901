import Core
import Exposition
import Foundation

/// What `hms-ops check metrics` prints: the parse of one exposition, as text or stable JSON.
public struct ExpositionReport: Sendable {
    public var source: String
    public var exposition: Exposition

    public init(source: String, exposition: Exposition) {
        self.source = source
        self.exposition = exposition
    }

    /// Parses `body` in the declared format, or the one the bytes show.
    public init(source: String, body: ExpositionSource.Body) {
        let format = body.declaredFormat ?? ExpositionFormat.sniff(body.bytes)
        self.init(source: source, exposition: ExpositionParser.parse(body.bytes, format: format))
    }

    public var isValid: Bool { exposition.errors.isEmpty }

    /// The JSON shape, documented in the README:
    /// `{"families": n, "format": "...", "samples": [{"name", "labels", "value", "timestamp"}], "errors": [{"line", "message"}]}`.
    struct JSONShape: Encodable {
        struct Sample: Encodable {
            package var name: String
            package var labels: [String: String]
            package var value: Double
            package var timestamp: Double?
            package var exemplar: Exemplar?

            struct Exemplar: Encodable {
                package var labels: [String: String]
                package var value: Double
                package var timestamp: Double?
            }

            package func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(name, forKey: .name)
                try c.encode(labels, forKey: .labels)
                try c.encode(value, forKey: .value)
                try c.encode(timestamp, forKey: .timestamp)  // null when absent, never missing
                try c.encodeIfPresent(exemplar, forKey: .exemplar)
            }
            enum CodingKeys: String, CodingKey { case name, labels, value, timestamp, exemplar }
        }
        struct Problem: Encodable {
            package var line: Int
            package var message: String
        }
        package var families: Int
        package var format: String
        package var samples: [Sample]
        package var errors: [Problem]
    }

    public func json() -> String {
        let shape = JSONShape(
            families: exposition.families.count,
            format: exposition.format.rawValue,
            samples: exposition.samples.map { sample in
                JSONShape.Sample(
                    name: sample.name, labels: Self.dictionary(sample.labels), value: sample.value, timestamp: sample.timestamp,
                    exemplar: sample.exemplar.map { .init(labels: Self.dictionary($0.labels), value: $0.value, timestamp: $0.timestamp) })
            },
            errors: exposition.errors.map { .init(line: $0.line, message: $0.message) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        let data = (try? encoder.encode(shape)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    package static func dictionary(_ labels: [Label]) -> [String: String] {
        Dictionary(labels.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// Families and samples as the exposition itself would write them, then the errors.
    public func text() -> String {
        var out = ""
        for family in exposition.families {
            out += "# \(family.name) \(family.type.rawValue)"
            if let unit = family.unit, !unit.isEmpty { out += " (\(unit))" }
            if let help = family.help, !help.isEmpty { out += ": \(Self.printable(help))" }
            out += "\n"
            for sample in family.samples {
                out += "  " + sample.name
                if !sample.labels.isEmpty {
                    out += "{" + sample.labels.map { "\($0.name)=\"\(Self.printable($0.value))\"" }.joined(separator: ",") + "}"
                }
                out += " \(Self.format(sample.value))"
                if let ts = sample.timestamp { out += " @\(Self.format(ts))" }
                out += "\n"
            }
        }
        let samples = exposition.families.reduce(0) { $0 + $1.samples.count }
        out += "\(source): \(exposition.families.count) families, \(samples) samples (\(exposition.format.rawValue))\n"
        for error in exposition.errors { out += "\(source):\(error.line): \(error.message)\n" }
        if !exposition.errors.isEmpty { out += "\(source): \(exposition.errors.count) error\(exposition.errors.count == 1 ? "" : "s")\n" }
        return out
    }

    package static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }

    /// Label values and help may hold anything; show control characters escaped.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default: out.unicodeScalars.append(scalar.value < 0x20 || scalar.value == 0x7f ? "?" : scalar)
            }
        }
        return out
    }
}
