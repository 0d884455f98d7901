/// Which text format an exposition is written in.
public enum ExpositionFormat: String, Sendable, Codable {
    /// Prometheus text format 0.0.4 (`text/plain; version=0.0.4`); timestamps in milliseconds.
    case prometheusText = "prometheus-0.0.4"
    /// OpenMetrics 1.0 text (`application/openmetrics-text`); timestamps in seconds, `# EOF` last.
    case openMetrics = "openmetrics-1.0"

    /// The format a `Content-Type` names, if it names one.
    /// (Read once per scrape: bytes, not Foundation's string functions.)
    public init?(contentType: String) {
        // The media type: up to the first `;`, without blanks around it, in any case.
        var type = Array(contentType.utf8.prefix { $0 != UInt8(ascii: ";") })
        while let last = type.last, last == 32 || last == 9 { type.removeLast() }
        let blanks = type.prefix { $0 == 32 || $0 == 9 }.count
        type = type[blanks...].map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
        if type.elementsEqual("application/openmetrics-text".utf8) {
            self = .openMetrics
        } else if type.isEmpty || type.elementsEqual("text/plain".utf8) {
            self = .prometheusText
        } else {
            return nil
        }
    }

    /// The format the bytes themselves show: OpenMetrics ends with `# EOF`.
    public static func sniff(_ bytes: some Collection<UInt8>) -> ExpositionFormat {
        var tail = Array(bytes.suffix(8))
        while let last = tail.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { tail.removeLast() }
        return tail.suffix(5).elementsEqual("# EOF".utf8) ? .openMetrics : .prometheusText
    }
}

/// The metric types the two formats know. `unknown` is OpenMetrics' name for 0.0.4's `untyped`.
public enum MetricType: String, Sendable, Codable, CaseIterable {
    case counter, gauge, histogram, gaugehistogram, summary, info, stateset, unknown
}

/// One label pair, in the order it was written.
public struct Label: Sendable, Hashable, Codable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An OpenMetrics exemplar: a traced example behind a counter or bucket value.
public struct Exemplar: Sendable, Equatable, Codable {
    public var labels: [Label]
    public var value: Double
    /// Seconds since the epoch, if given.
    public var timestamp: Double?
}

/// One sample line.
public struct ExpositionSample: Sendable, Equatable {
    public var name: String
    public var labels: [Label]
    public var value: Double
    /// Seconds since the epoch, if the line carried one (0.0.4's milliseconds are converted).
    public var timestamp: Double?
    public var exemplar: Exemplar? {
        get { exemplars.first }
        set { exemplars = newValue.map { [$0] } ?? [] }
    }
    /// The exemplar behind a reference: few samples have one, and a sample is copied per sample
    /// read and kept per series in every target's template (a 32-byte field, 64 bytes a sample
    /// without it instead of 88). An array of none or one, not an optional reference: with an
    /// optional reference among its fields, a sample made and stored is copied once on the way.
    private var exemplars: [Exemplar]
    /// 1-based line number in the exposition.
    public var line: Int

    public init(name: String, labels: [Label], value: Double, timestamp: Double?, exemplar: Exemplar?, line: Int) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
        self.exemplars = exemplar.map { [$0] } ?? []
        self.line = line
    }

    /// The value of label `name`, if present.
    public func label(_ name: String) -> String? { labels.first { $0.name == name }?.value }

    public static func == (a: ExpositionSample, b: ExpositionSample) -> Bool {
        a.name == b.name && a.labels == b.labels && a.timestamp == b.timestamp && a.exemplar == b.exemplar
            && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
    }
}

/// A metric family: metadata and its samples, in exposition order.
public struct MetricFamily: Sendable, Equatable {
    public var name: String
    public var type: MetricType
    /// The `# HELP` text.
    public var help: String? {
        get {
            guard helpSpan != Self.noHelp else { return nil }
            let start = Int(helpSpan >> 32)
            return String(decoding: helpText[start..<start + Int(helpSpan & 0xFFFF_FFFF)], as: UTF8.self)
        }
        set {
            helpText = newValue.map { Array($0.utf8) } ?? []
            helpSpan = newValue == nil ? Self.noHelp : Self.span(0, helpText.count)
        }
    }
    /// Help as UTF-8 without escapes, in `helpText` at `helpSpan` (start and count, 32 bits
    /// each; `noHelp`: none). A parse of a whole text keeps help that had no escapes where it is
    /// in that text, and makes a string of it only when read: few readers look at it, and a
    /// string each was a tenth of parsing node_exporter's output. (It holds on to the text,
    /// which a template keeps anyway; `detached` lets go of it.) An array and one number keep a
    /// family at the 64 bytes it had with a string.
    var helpText: [UInt8]
    var helpSpan: UInt64
    public var unit: String?
    public var samples: [ExpositionSample]

    static let noHelp = UInt64.max
    static func span(_ start: Int, _ count: Int) -> UInt64 { UInt64(start) << 32 | UInt64(count) }

    public init(name: String, type: MetricType, help: String?, unit: String?, samples: [ExpositionSample]) {
        self.name = name
        self.type = type
        self.unit = unit
        self.samples = samples
        self.helpText = help.map { Array($0.utf8) } ?? []
        self.helpSpan = help == nil ? Self.noHelp : Self.span(0, helpText.count)
    }

    /// A family with a name only, as a parse starts one.
    init(starting name: String) {
        self.name = name
        self.type = .unknown
        self.helpText = []
        self.helpSpan = Self.noHelp
        self.unit = nil
        self.samples = []
    }

    /// The family with its help in its own storage, not in the text it was read from: for
    /// families kept long after that text (pushes).
    public var detached: MetricFamily {
        var family = self
        if helpSpan != Self.noHelp, helpText.count != Int(helpSpan & 0xFFFF_FFFF) { family.help = help }
        return family
    }

    public static func == (a: MetricFamily, b: MetricFamily) -> Bool {
        a.name == b.name && a.type == b.type && a.help == b.help && a.unit == b.unit && a.samples == b.samples
    }
}

/// What was wrong with one line of an exposition.
public struct ExpositionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number; 0 for the exposition as a whole.
    public var line: Int
    public var message: String
    public var description: String { line > 0 ? "line \(line): \(message)" : message }
}

/// The outcome of parsing: the families read and every error found (at most a bounded number).
public struct Exposition: Sendable {
    public var format: ExpositionFormat
    public var families: [MetricFamily]
    public var errors: [ExpositionError]
    /// Every sample of every family, in exposition order.
    public var samples: [ExpositionSample] { families.flatMap(\.samples).sorted { $0.line < $1.line } }
}
