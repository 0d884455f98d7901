import Foundation

/// A target's last good exposition, kept to read its next scrape by the values alone.
///
/// A target writes the same text scrape after scrape but for its numbers: the same comments,
/// series and order. When everything but the value (and timestamp) of each sample line is byte
/// for byte the text the template was made from, only those numbers are parsed (the same way
/// the parser does). Values that no rule looks at (`ValueRule`) are taken as they are; else they
/// are put into a copy of the stored families, which are checked like any parse (negative
/// counters, bucket order, ...). Anything else (a line more or less, a label changed, an
/// exemplar, an error) is read by the full parser, which is the reference: `read` gives exactly
/// what `ExpositionParser.parse` would.
public struct ExpositionTemplate: Sendable {
    /// The text the template was made from (its literal parts are compared).
    package let bytes: [UInt8]
    package let format: ExpositionFormat
    package let exposition: Exposition
    /// Each sample line, in text order.
    package let samples: [SampleSpan]

    /// Offsets fit 32 bits: an exposition is at most `ExpositionSource.maximumBytes`.
    package struct SampleSpan: Sendable {
        /// Where the line begins, where its value begins and where its numbers end (its newline).
        var lineStart: Int32
        package var valueStart: Int32
        var numbersEnd: Int32
        package var line: Int32
        package var family: Int32
        package var index: Int32
        var hasTimestamp: Bool
        var rule: ValueRule
    }

    /// Which new values of a sample could make its family break a rule the template's text kept,
    /// so that the family must be checked again (`FamilyValidator`).
    enum ValueRule: UInt8, Sendable {
        /// None: a gauge or untyped sample in 0.0.4.
        case none
        /// A negative value or NaN (0.0.4 counters, summaries, histograms without timestamps).
        case nonNegative
        /// Any (OpenMetrics, whose rules compare values; a histogram with timestamps).
        case always

        package init(_ family: MetricFamily, format: ExpositionFormat) {
            guard format == .prometheusText else {
                self = .always
                return
            }
            switch family.type {
            case .counter, .summary: self = .nonNegative
            case .histogram, .gaugehistogram:
                // Timestamps decide which samples make one histogram point (and so which need `+Inf`).
                self = family.samples.contains { $0.timestamp != nil } ? .always : .nonNegative
            default: self = .none
            }
        }

        package func holds(for value: Double) -> Bool {
            switch self {
            case .none: true
            case .nonNegative: value >= 0  // false for NaN too
            case .always: false
            }
        }
    }

    /// A template of `bytes`, whose full parse is `exposition`; nil if the text has errors or a
    /// line the template does not read (an exemplar, more than one blank between parts, CR).
    public init?(bytes: [UInt8], exposition: Exposition) {
        guard exposition.errors.isEmpty, bytes.count < Int32.max else { return nil }
        var place: [Int: (family: Int32, index: Int32, rule: ValueRule)] = [:]
        for (f, family) in exposition.families.enumerated() {
            let rule = ValueRule(family, format: exposition.format)
            for (i, sample) in family.samples.enumerated() {
                guard sample.exemplar == nil else { return nil }
                place[sample.line] = (Int32(f), Int32(i), rule)
            }
        }
        var spans: [SampleSpan] = []
        spans.reserveCapacity(place.count)
        var start = 0, number = 0
        while start < bytes.count {
            number += 1
            let end = bytes[start...].firstIndex(of: 10) ?? bytes.count
            defer { start = end + 1 }
            if let (f, i, rule) = place[number] {
                guard let span = Self.span(bytes, start, end) else { return nil }
                spans.append(
                    SampleSpan(
                        lineStart: Int32(start), valueStart: Int32(span.value), numbersEnd: Int32(end), line: Int32(number), family: f, index: i,
                        hasTimestamp: span.timestamp, rule: rule))
            } else if end > start, bytes[start] != UInt8(ascii: "#") {
                return nil  // a line that is neither metadata nor a sample the parse holds
            }
        }
        guard spans.count == place.count else { return nil }
        self.bytes = bytes
        self.format = exposition.format
        self.exposition = Self.compacted(exposition)
        self.samples = spans
    }

    /// The same exposition in arrays just large enough: the parser's grow as it reads (up to
    /// twice the samples, four labels a sample), and a template is kept for as long as its target.
    package static func compacted(_ exposition: Exposition) -> Exposition {
        var out = exposition
        out.families = exposition.families.map { family in
            var family = family
            family.samples = family.samples.map { sample in
                var sample = sample
                sample.labels = sample.labels.map { $0 }
                return sample
            }
            return family
        }
        return out
    }

    /// Where the value begins in a sample line `[start, end)`, and whether a timestamp follows:
    /// nil unless the line is `series value[ timestamp]` with single spaces and no CR.
    package static func span(_ bytes: [UInt8], _ start: Int, _ end: Int) -> (value: Int, timestamp: Bool)? {
        guard end > start, bytes[end - 1] != 13, bytes[start] != 32, bytes[start] != 9 else { return nil }
        var i = start
        var inQuotes = false
        var braces = false
        while i < end {
            let byte = bytes[i]
            if inQuotes {
                if byte == UInt8(ascii: "\\") {
                    i += 1
                } else if byte == UInt8(ascii: "\"") {
                    inQuotes = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            } else if byte == UInt8(ascii: "{") {
                braces = true
            } else if byte == UInt8(ascii: "}") && braces {
                i += 1
                break
            } else if byte == 32 || byte == 9 {
                break
            }
            i += 1
        }
        guard i < end, bytes[i] == 32, i + 1 < end, bytes[i + 1] != 32, bytes[i + 1] != 9 else { return nil }
        let value = i + 1
        var j = value
        while j < end, bytes[j] != 32, bytes[j] != 9 { j += 1 }
        if j == end { return (value, false) }
        guard bytes[j] == 32, j + 1 < end else { return nil }
        var k = j + 1
        while k < end, bytes[k] != 32, bytes[k] != 9 { k += 1 }
        guard k == end, bytes[j + 1] != UInt8(ascii: "#") else { return nil }
        return (value, true)
    }

    /// What a new text is, read against the template.
    package enum Match {
        /// The template's text but for these numbers (a value and timestamp per sample, in text
        /// order), none of which can break a rule: the template's families with these values.
        case values([(value: Double, timestamp: Double?)])
        /// The exposition of the text: the template's families with new values that were checked
        /// (`matched`), or the full parse.
        case exposition(Exposition, matched: Bool)
    }

    /// `bytes` read against the template: by the values alone when the text matches it, else (or
    /// if the values break a rule) by the full parser.
    package func match(_ bytes: [UInt8], format: ExpositionFormat) -> Match {
        if format == self.format, let (values, unchecked) = values(of: bytes) {
            if unchecked { return .values(values) }
            let families = families(with: values)
            let validator = FamilyValidator(format: format)
            var clean = true
            for family in families {
                // Only whether the values break a rule counts here: the errors themselves (and
                // the lines they name) come from the full parse below.
                if !validator.validate(family, line: 0).isEmpty {
                    clean = false
                    break
                }
            }
            if clean { return .exposition(Exposition(format: format, families: families, errors: []), matched: true) }
        }
        return .exposition(ExpositionParser.parse(bytes, format: format), matched: false)
    }

    /// The exposition of `bytes`, whichever way it was read; `matched` if by its values alone.
    public func read(_ bytes: [UInt8], format: ExpositionFormat) -> (exposition: Exposition, matched: Bool) {
        switch match(bytes, format: format) {
        case .values(let values): (Exposition(format: format, families: families(with: values), errors: []), true)
        case .exposition(let exposition, let matched): (exposition, matched)
        }
    }

    /// The template's families with new values (`values` in text order).
    package func families(with values: [(value: Double, timestamp: Double?)]) -> [MetricFamily] {
        var families = exposition.families
        for (span, value) in zip(samples, values) {
            families[Int(span.family)].samples[Int(span.index)].value = value.value
            families[Int(span.family)].samples[Int(span.index)].timestamp = value.timestamp
        }
        return families
    }

    /// Every sample's value and timestamp, if `text` is the template's text but for them, and
    /// whether no value can break a rule (`ValueRule`), so that no family needs checking.
    package func values(of text: [UInt8]) -> (values: [(value: Double, timestamp: Double?)], unchecked: Bool)? {
        let om = format == .openMetrics
        return text.withUnsafeBufferPointer { new -> ([(value: Double, timestamp: Double?)], Bool)? in
            bytes.withUnsafeBufferPointer { old -> ([(value: Double, timestamp: Double?)], Bool)? in
                guard let newBase = new.baseAddress, let oldBase = old.baseAddress else { return nil }
                var out: [(value: Double, timestamp: Double?)] = []
                out.reserveCapacity(samples.count)
                var unchecked = true
                var p = 0  // in the template: where the next literal part begins
                var q = 0  // in the new text
                for span in samples {
                    let literal = Int(span.valueStart) - p
                    guard q + literal <= new.count, memcmp(newBase + q, oldBase + p, literal) == 0 else { return nil }
                    q += literal
                    // The new line's numbers: up to its newline.
                    var end = q
                    while end < new.count, new[end] != 10 { end += 1 }
                    guard end > q, new[end - 1] != 13,
                        Int(span.valueStart - span.lineStart) + end - q <= ExpositionParser.maximumLineBytes
                    else { return nil }
                    let line = Line(buffer: new, start: q, end: end, number: Int(span.line))
                    var i = q
                    while i < end, new[i] != 32, new[i] != 9 { i += 1 }
                    guard let value = NumberParser.value(line, q, i, openMetrics: om) else { return nil }
                    var timestamp: Double?
                    if span.hasTimestamp {
                        guard i + 1 < end, new[i] == 32 else { return nil }
                        var k = i + 1
                        while k < end, new[k] != 32, new[k] != 9 { k += 1 }
                        guard k == end, let ts = NumberParser.timestamp(line, i + 1, k, openMetrics: om) else { return nil }
                        timestamp = ts
                    } else if i != end {
                        return nil
                    }
                    if unchecked && !span.rule.holds(for: value) { unchecked = false }
                    out.append((value, timestamp))
                    p = Int(span.numbersEnd)
                    q = end
                }
                let rest = old.count - p
                guard new.count - q == rest, memcmp(newBase + q, oldBase + p, rest) == 0 else { return nil }
                return (out, unchecked)
            }
        }
    }
}
