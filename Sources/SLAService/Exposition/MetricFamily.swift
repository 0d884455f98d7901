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
    package static func span(_ start: Int, _ count: Int) -> UInt64 { UInt64(start) << 32 | UInt64(count) }

    public init(name: String, type: MetricType, help: String?, unit: String?, samples: [ExpositionSample]) {
        self.name = name
        self.type = type
        self.unit = unit
        self.samples = samples
        self.helpText = help.map { Array($0.utf8) } ?? []
        self.helpSpan = help == nil ? Self.noHelp : Self.span(0, helpText.count)
    }

    /// A family with a name only, as a parse starts one.
    package init(starting name: String) {
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
