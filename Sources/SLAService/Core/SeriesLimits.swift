/// What one series may hold to be kept: PostgreSQL's `text` and `jsonb` refuse U+0000 (one such
/// label once stopped every write for good), and the bounds keep one sender from filling memory
/// and disk with names. Every entry (scrape, push, remote-write, import) checks a series here
/// before it is kept, and says what was wrong in its own words; the accumulators check again
/// when they first meet a series, so nothing that storage would refuse gets past them.
public struct SeriesLimits: Sendable, Equatable {
    /// Longest metric or label name, in UTF-8 bytes.
    public var maximumNameBytes: Int
    /// Longest label value, in UTF-8 bytes.
    public var maximumValueBytes: Int
    /// Most labels on one series (the metric name not counted).
    public var maximumLabels: Int

    public init(maximumNameBytes: Int = 256, maximumValueBytes: Int = 4096, maximumLabels: Int = 64) {
        self.maximumNameBytes = maximumNameBytes
        self.maximumValueBytes = maximumValueBytes
        self.maximumLabels = maximumLabels
    }

    /// The defaults, documented in docs/operations.md.
    public static let standard = SeriesLimits()

    /// Why a series named `metric` with `labels` cannot be kept, in words for its sender; nil
    /// when it can.
    public func problem(metric: String, labels: [Label]) -> String? {
        if let problem = nameProblem(metric, what: "the metric name") { return problem }
        if labels.count > maximumLabels {
            return "\(QuotedText.clip(metric)) has \(labels.count) labels; at most \(maximumLabels) are kept"
        }
        var names = Set<String>()
        for label in labels {
            if let problem = nameProblem(label.name, what: "a label name of \(QuotedText.clip(metric))") { return problem }
            if label.name.hasPrefix("__") {
                return "label \(QuotedText.clip(label.name)) of \(QuotedText.clip(metric)) is reserved (names starting with __ are Prometheus' own)"
            }
            if !names.insert(label.name).inserted { return "label \(QuotedText.clip(label.name)) appears twice on \(QuotedText.clip(metric))" }
            if label.value.utf8.count > maximumValueBytes {
                return
                    "label \(QuotedText.clip(label.name)) of \(QuotedText.clip(metric)) is \(label.value.utf8.count) bytes long; at most \(maximumValueBytes) are kept"
            }
            if Self.holdsNUL(label.value) {
                return "label \(QuotedText.clip(label.name)) of \(QuotedText.clip(metric)) holds a NUL character (U+0000), which cannot be stored"
            }
        }
        return nil
    }

    /// Whether a sample of `series` may be kept (the accumulators' check).
    package func allows(_ series: SeriesKey) -> Bool {
        problem(metric: series.metric, labels: series.labels) == nil
    }

    private func nameProblem(_ name: String, what: @autoclosure () -> String) -> String? {
        if name.isEmpty { return "\(what()) is empty" }
        if name.utf8.count > maximumNameBytes {
            return "\(what()) (\(QuotedText.clip(name))) is \(name.utf8.count) bytes long; at most \(maximumNameBytes) are kept"
        }
        if Self.holdsNUL(name) { return "\(what()) (\(QuotedText.clip(name))) holds a NUL character (U+0000), which cannot be stored" }
        return nil
    }

    package static func holdsNUL(_ text: String) -> Bool { text.utf8.contains(0) }
}
