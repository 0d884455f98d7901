/// Turns parsed families into the series the accumulator folds: which samples are counters,
/// which gauges, which histogram buckets, with the target's `job` and `instance` labels.
public enum SampleMapper {
    /// One observation: a series, its value and when (milliseconds since the epoch).
    public struct Observation: Sendable, Equatable {
        public var series: SeriesKey
        public var value: Double
        public var at: Int64
    }

    /// Labels every series from a target carries. With `honorLabels` (federation), labels the
    /// exposition sets win; otherwise they are kept as `exported_<name>`, as Prometheus does.
    public static func observations(
        _ exposition: Exposition, targetLabels: [Label], scrapedAt: Int64, honorLabels: Bool = false
    ) -> [Observation] {
        var out: [Observation] = []
        out.reserveCapacity(exposition.families.reduce(0) { $0 + $1.samples.count })
        let om = exposition.format == .openMetrics
        for family in exposition.families {
            for sample in family.samples {
                guard let kind = kind(of: sample.name, in: family, openMetrics: om) else { continue }
                var labels = sample.labels
                if kind == .histogramBucket, let index = labels.firstIndex(where: { $0.name == "le" }) {
                    labels[index].value = canonicalBound(labels[index].value)
                }
                labels = merge(labels, target: targetLabels, honor: honorLabels)
                // A timestamp is trusted only within ±30,000 years: beyond that (OpenMetrics allows
                // any finite number) it cannot be a real time and would overflow milliseconds.
                var at = scrapedAt
                if let seconds = sample.timestamp {
                    guard abs(seconds) < 1e12 else { continue }
                    at = Int64((seconds * 1000).rounded())
                }
                out.append(Observation(series: SeriesKey(metric: sample.name, labels: labels, kind: kind), value: sample.value, at: at))
            }
        }
        return out
    }

    /// How a sample is folded; nil for samples we do not keep (`_created` timestamps).
    static func kind(of name: String, in family: MetricFamily, openMetrics: Bool) -> SeriesKind? {
        let base = family.name
        switch family.type {
        case .counter:
            return name.hasSuffix("_created") && name != base ? nil : .counter
        case .histogram:
            if name == base + "_bucket" { return .histogramBucket }
            if name == base + "_created" { return nil }
            return .counter
        case .summary:
            if name == base + "_created" { return nil }
            return name == base ? .gauge : .counter
        case .gauge, .gaugehistogram, .info, .stateset:
            return .gauge
        case .unknown:
            return .untyped
        }
    }

    /// `le` written the same way whatever the client wrote ("250", "250.0", "2.5e2" → "250").
    static func canonicalBound(_ text: String) -> String {
        guard let value = FamilyValidator.goNumber(text) else { return text }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func merge(_ labels: [Label], target: [Label], honor: Bool) -> [Label] {
        guard !target.isEmpty else { return labels }
        var out = labels
        for label in target {
            if let index = out.firstIndex(where: { $0.name == label.name }) {
                if honor { continue }
                out[index].name = "exported_" + label.name
            }
            out.append(label)
        }
        return out
    }
}
