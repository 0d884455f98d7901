import Core

/// Checks a whole family once it is read: what one line cannot show (a histogram's `+Inf`
/// bucket, bucket order, counts that agree, series kept together, timestamps in order).
/// OpenMetrics is checked to its specification; 0.0.4 only where a wrong value would corrupt
/// what we store (a histogram without `+Inf`, negative counters, buckets without `le`).
package struct FamilyValidator {
    package let format: ExpositionFormat
    package var om: Bool { format == .openMetrics }

    /// What is wrong with `family`, whose first line is `line`.
    package func validate(_ family: MetricFamily, line: Int) -> [ExpositionError] {
        var errors: [ExpositionError] = []
        func fail(_ line: Int, _ message: String) { errors.append(ExpositionError(line: line, message: message)) }
        let name = family.name
        switch family.type {
        case .counter:
            // By value first: a sample is looked at whole (its name compared, its labels and
            // strings retained) only when its value is one of the wrong ones.
            for index in family.samples.indices {
                let value = family.samples[index].value
                guard value < 0 || (om && value.isNaN) else { continue }
                let sample = family.samples[index]
                guard !om || sample.name == name + "_total" else { continue }
                if om && sample.value.isNaN { fail(sample.line, "counter \(name) is NaN; a counter must be a number") }
                if sample.value < 0 { fail(sample.line, "counter \(sample.name) is negative (\(sample.value)); counters only go up from 0") }
            }
        case .histogram, .gaugehistogram:
            errors += validateHistogram(family)
        case .summary:
            for sample in family.samples {
                if sample.name == name {
                    guard let text = sample.label("quantile") else {
                        if om { fail(sample.line, "summary \(name) sample without a quantile label") }
                        continue
                    }
                    if om {
                        guard let q = Self.number(text), q >= 0, q <= 1 else {
                            fail(sample.line, "quantile \"\(QuotedText.clip(text))\" is not a number from 0 to 1")
                            continue
                        }
                        if sample.value < 0 { fail(sample.line, "summary quantile value is negative") }
                    }
                } else if om && (sample.value.isNaN || sample.value < 0) && (sample.name == name + "_count" || sample.name == name + "_sum") {
                    fail(sample.line, "\(sample.name) must be a number of at least 0")
                } else if !om && sample.name == name + "_count" && sample.value < 0 {
                    fail(sample.line, "\(sample.name) is negative; a count only goes up from 0")
                }
            }
        case .info where om:
            for sample in family.samples where sample.value != 1 {
                fail(sample.line, "info metric \(name) must have the value 1")
            }
        case .stateset where om:
            for sample in family.samples {
                if sample.label(name) == nil { fail(sample.line, "stateset \(name) sample needs a label named \(name)") }
                if sample.value != 0 && sample.value != 1 { fail(sample.line, "stateset \(name) values must be 0 or 1") }
            }
        default:
            break
        }
        if om {
            for sample in family.samples where sample.exemplar != nil {
                let allowed =
                    (family.type == .counter && sample.name == name + "_total")
                    || ((family.type == .histogram || family.type == .gaugehistogram) && sample.name == name + "_bucket")
                if !allowed { fail(sample.line, "exemplars are allowed only on counter _total and histogram _bucket samples") }
            }
            if let unit = family.unit, !unit.isEmpty, family.type == .info || family.type == .stateset {
                fail(line, "\(family.type.rawValue) metrics cannot have a unit")
            }
            errors += validateGrouping(family)
        }
        return errors
    }

    /// The label that tells apart the samples of one metric point: `le` or `quantile`.
    static func pointLabel(_ type: MetricType) -> String? {
        switch type {
        case .histogram, .gaugehistogram: "le"
        case .summary: "quantile"
        default: nil
        }
    }

    /// Labels identifying a series group: all but `le` (histograms) or `quantile` (summaries).
    static func groupKey(_ sample: ExpositionSample, ignoring: String?) -> [Label] {
        guard let ignoring else { return sample.labels }
        return sample.labels.filter { $0.name != ignoring }
    }

    /// Whether two label lists are equal but for the label `ignoring`, in any order (a sample
    /// has no duplicate label names).
    static func sameGroup(_ a: [Label], _ b: [Label], ignoring: String) -> Bool {
        if a == b { return true }
        var counted = 0
        for label in a where label.name != ignoring {
            guard b.contains(label) else { return false }
            counted += 1
        }
        return counted == b.count - (b.contains { $0.name == ignoring } ? 1 : 0)
    }

    func validateHistogram(_ family: MetricFamily) -> [ExpositionError] {
        var errors: [ExpositionError] = []
        func fail(_ line: Int, _ message: String) { errors.append(ExpositionError(line: line, message: message)) }
        let gauge = family.type == .gaugehistogram
        let name = family.name
        let countName = name + (gauge ? "_gcount" : "_count")
        let sumName = name + (gauge ? "_gsum" : "_sum")
        // One group per metric point: a series' labels but `le`, at one time.
        struct Key: Hashable {
            var labels: [Label]
            var timestamp: Double?
        }
        struct Group {
            var line: Int
            var buckets: [(le: Double, value: Double, line: Int)] = []
            var count: (value: Double, line: Int)?
            var sum: (value: Double, line: Int)?
        }
        var groups: [Group] = []
        var indexByKey: [Key: Int] = [:]
        let bucketName = name + "_bucket"
        var last: (labels: [Label], timestamp: Double?, index: Int)?
        for sample in family.samples {
            let index: Int
            if let last, last.timestamp == sample.timestamp, Self.sameGroup(last.labels, sample.labels, ignoring: "le") {
                index = last.index  // the common case: a point's samples are written together
            } else {
                let key = Key(labels: Self.groupKey(sample, ignoring: "le").sorted { $0.name < $1.name }, timestamp: sample.timestamp)
                if let existing = indexByKey[key] {
                    index = existing
                } else {
                    groups.append(Group(line: sample.line))
                    index = groups.count - 1
                    indexByKey[key] = index
                }
            }
            last = (sample.labels, sample.timestamp, index)
            if sample.name == bucketName {
                guard let text = sample.label("le") else {
                    fail(sample.line, "bucket of \(name) without an le label")
                    continue
                }
                guard let le = om ? Self.number(text) : Self.goNumber(text), !le.isNaN else {
                    fail(sample.line, "le=\"\(QuotedText.clip(text))\" is not a number")
                    continue
                }
                if sample.value.isNaN || sample.value < 0 {
                    fail(sample.line, "bucket count of \(name) must be a number of at least 0")
                }
                groups[index].buckets.append((le, sample.value, sample.line))
            } else if sample.name == countName {
                groups[index].count = (sample.value, sample.line)
                if sample.value.isNaN || sample.value < 0 { fail(sample.line, "\(countName) must be a number of at least 0") }
            } else if sample.name == sumName {
                groups[index].sum = (sample.value, sample.line)
            }
        }
        for group in groups {
            let hasBuckets = !group.buckets.isEmpty
            let inf = group.buckets.last { $0.le == .infinity }
            if inf == nil && (hasBuckets || om) {
                fail(group.buckets.last?.line ?? group.line, "histogram \(name) has no le=\"+Inf\" bucket; every histogram needs one")
            }
            guard om else { continue }
            var previous: (le: Double, value: Double)?
            for bucket in group.buckets {
                if let previous {
                    if bucket.le <= previous.le { fail(bucket.line, "buckets of \(name) must be in increasing le order") }
                    if bucket.value < previous.value { fail(bucket.line, "bucket counts of \(name) must not decrease as le grows") }
                }
                previous = (bucket.le, bucket.value)
            }
            if (group.count == nil) != (group.sum == nil) {
                fail((group.count ?? group.sum)?.line ?? group.line, "\(countName) and \(sumName) must both be present or both absent")
            }
            if let count = group.count, let inf, count.value != inf.value {
                fail(count.line, "\(countName) (\(count.value)) must equal the +Inf bucket (\(inf.value))")
            }
            let negativeBuckets = group.buckets.contains { $0.le < 0 }
            if let sum = group.sum {
                if !gauge && negativeBuckets {
                    fail(sum.line, "a histogram with negative buckets must not have \(sumName)")
                } else if sum.value.isNaN || (sum.value < 0 && !negativeBuckets) {
                    fail(sum.line, "\(sumName) must be a number of at least 0 when no bucket is negative")
                }
            }
        }
        return errors
    }

    /// OpenMetrics: one series group's samples stay together, and a series repeated (with
    /// timestamps) goes forward in time.
    func validateGrouping(_ family: MetricFamily) -> [ExpositionError] {
        var errors: [ExpositionError] = []
        let ignoring = Self.pointLabel(family.type)
        var currentGroup: [Label]?
        var closed: Set<[Label]> = []
        struct Seen { var timestamp: Double? }
        var lastBySeries: [String: Seen] = [:]
        for sample in family.samples {
            let key = Self.groupKey(sample, ignoring: ignoring).sorted { $0.name < $1.name }
            if key != currentGroup {
                if closed.contains(key) {
                    errors.append(
                        ExpositionError(
                            line: sample.line, message: "samples of \(family.name) with these labels must be together, not split by other series"))
                }
                if let currentGroup { closed.insert(currentGroup) }
                currentGroup = key
            }
            let series = sample.name + "{" + sample.labels.sorted { $0.name < $1.name }.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
            if let seen = lastBySeries[series] {
                switch (seen.timestamp, sample.timestamp) {
                case (let a?, let b?) where b < a:
                    errors.append(ExpositionError(line: sample.line, message: "timestamps of one series must not go backwards"))
                case (nil, nil):
                    errors.append(ExpositionError(line: sample.line, message: "the same series appears twice without timestamps"))
                case (nil, _?), (_?, nil):
                    errors.append(ExpositionError(line: sample.line, message: "a series cannot mix samples with and without timestamps"))
                default:
                    break
                }
            }
            lastBySeries[series] = Seen(timestamp: sample.timestamp)
        }
        return errors
    }

    /// OpenMetrics numbers in labels (`le`, `quantile`): decimal, or `+Inf`/`-Inf`, exactly.
    package static func number(_ text: String) -> Double? {
        switch text {
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default:
            return parse(text, openMetrics: true)
        }
    }

    /// `le` written the same way whatever the client wrote ("250", "250.0", "2.5e2" → "250").
    package static func canonicalBound(_ text: String) -> String {
        guard let value = FamilyValidator.goNumber(text) else { return text }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// 0.0.4 label numbers, as Go's ParseFloat reads the common spellings.
    package static func goNumber(_ text: String) -> Double? { parse(text, openMetrics: false) }

    package static func parse(_ text: String, openMetrics: Bool) -> Double? {
        var text = text
        return text.withUTF8 { buffer in
            guard !buffer.isEmpty, buffer.count < 512 else { return nil }
            let line = Line(buffer: buffer, start: 0, end: buffer.count, number: 0)
            return NumberParser.value(line, 0, buffer.count, openMetrics: openMetrics)
        }
    }
}
