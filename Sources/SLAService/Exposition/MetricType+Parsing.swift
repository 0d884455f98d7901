extension MetricType {
    /// Suffixes of the sample names a family of this type owns ("" is the bare name). A switch
    /// over constant arrays: the parser asks for them per sample.
    func sampleSuffixes(openMetrics: Bool) -> [String] {
        if openMetrics {
            switch self {
            case .counter: return Self.counterSuffixes
            case .gauge, .unknown, .stateset: return Self.bareSuffix
            case .histogram: return Self.histogramSuffixes
            case .gaugehistogram: return Self.gaugeHistogramSuffixes
            case .summary: return Self.summarySuffixes
            case .info: return Self.infoSuffixes
            }
        }
        switch self {
        case .histogram: return Self.textHistogramSuffixes
        case .summary: return Self.textSummarySuffixes
        default: return Self.bareSuffix
        }
    }

    static let bareSuffix = [""]
    static let counterSuffixes = ["_total", "_created"]
    static let histogramSuffixes = ["_bucket", "_count", "_sum", "_created"]
    static let gaugeHistogramSuffixes = ["_bucket", "_gcount", "_gsum"]
    static let summarySuffixes = ["", "_count", "_sum", "_created"]
    static let infoSuffixes = ["_info"]
    static let textHistogramSuffixes = ["_bucket", "_count", "_sum"]
    static let textSummarySuffixes = ["", "_count", "_sum"]

    /// The type a `# TYPE` line names in `format` (0.0.4 says `untyped` and knows four types):
    /// the word in bytes `i..<end` of `line`, read in place; nil if it is none of the format's.
    package init?(typeWord line: Line, _ i: Int, _ end: Int, openMetrics: Bool) {
        for (word, type) in openMetrics ? Self.openMetricsWords : Self.textWords
        where word.utf8CodeUnitCount == end - i && line.equals(i, word, prefix: true) {
            self = type
            return
        }
        return nil
    }

    static let textWords: [(StaticString, MetricType)] = [
        ("counter", .counter), ("gauge", .gauge), ("histogram", .histogram), ("summary", .summary), ("untyped", .unknown),
    ]
    static let openMetricsWords: [(StaticString, MetricType)] = [
        ("counter", .counter), ("gauge", .gauge), ("histogram", .histogram), ("gaugehistogram", .gaugehistogram),
        ("summary", .summary), ("info", .info), ("stateset", .stateset), ("unknown", .unknown),
    ]
}
