/// The outcome of parsing: the families read and every error found (at most a bounded number).
public struct Exposition: Sendable {
    public var format: ExpositionFormat
    public var families: [MetricFamily]
    public var errors: [ExpositionError]

    public init(format: ExpositionFormat, families: [MetricFamily], errors: [ExpositionError]) {
        self.format = format
        self.families = families
        self.errors = errors
    }

    /// Every sample of every family, in exposition order.
    public var samples: [ExpositionSample] { families.flatMap(\.samples).sorted { $0.line < $1.line } }
}
