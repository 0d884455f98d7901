import Core

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
