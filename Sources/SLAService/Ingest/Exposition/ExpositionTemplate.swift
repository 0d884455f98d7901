import Foundation

/// A target's last good exposition, kept to read its next scrape by the values alone.
///
/// A target writes the same text scrape after scrape but for its numbers: the same comments,
/// series and order. When everything but the value (and timestamp) of each sample line is byte
/// for byte the text the template was made from, only those numbers are parsed (the same way
/// the parser does) and put into a copy of the stored families, which are then checked like
/// any parse (negative counters, bucket order, ...). Anything else (a line more or less, a
/// label changed, an exemplar, an error) is read by the full parser, which is the reference:
/// `read` gives exactly what `ExpositionParser.parse` would.
public struct ExpositionTemplate: Sendable {
    /// The text the template was made from (its literal parts are compared).
    let bytes: [UInt8]
    let format: ExpositionFormat
    let exposition: Exposition
    /// Each sample line, in text order.
    let samples: [SampleSpan]

    struct SampleSpan: Sendable {
        /// Where the line begins, where its value begins and where its numbers end (its newline).
        var lineStart: Int
        var valueStart: Int
        var numbersEnd: Int
        var hasTimestamp: Bool
        var line: Int
        var family: Int
        var index: Int
    }

    /// A template of `bytes`, whose full parse is `exposition`; nil if the text has errors or a
    /// line the template does not read (an exemplar, more than one blank between parts, CR).
    public init?(bytes: [UInt8], exposition: Exposition) {
        guard exposition.errors.isEmpty else { return nil }
        var place: [Int: (family: Int, index: Int)] = [:]
        for (f, family) in exposition.families.enumerated() {
            for (i, sample) in family.samples.enumerated() {
                guard sample.exemplar == nil else { return nil }
                place[sample.line] = (f, i)
            }
        }
        var spans: [SampleSpan] = []
        spans.reserveCapacity(place.count)
        var start = 0, number = 0
        while start < bytes.count {
            number += 1
            let end = bytes[start...].firstIndex(of: 10) ?? bytes.count
            defer { start = end + 1 }
            if let (f, i) = place[number] {
                guard let span = Self.span(bytes, start, end) else { return nil }
                spans.append(
                    SampleSpan(
                        lineStart: start, valueStart: span.value, numbersEnd: end, hasTimestamp: span.timestamp, line: number, family: f, index: i))
            } else if end > start, bytes[start] != UInt8(ascii: "#") {
                return nil  // a line that is neither metadata nor a sample the parse holds
            }
        }
        guard spans.count == place.count else { return nil }
        self.bytes = bytes
        self.format = exposition.format
        self.exposition = exposition
        self.samples = spans
    }

    /// Where the value begins in a sample line `[start, end)`, and whether a timestamp follows:
    /// nil unless the line is `series value[ timestamp]` with single spaces and no CR.
    static func span(_ bytes: [UInt8], _ start: Int, _ end: Int) -> (value: Int, timestamp: Bool)? {
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

    /// The exposition of `bytes`: by the values alone when the text matches the template,
    /// else (or if the values break a rule) by the full parser.
    public func read(_ bytes: [UInt8], format: ExpositionFormat) -> (exposition: Exposition, matched: Bool) {
        if format == self.format, let values = values(of: bytes) {
            var families = exposition.families
            for (span, value) in zip(samples, values) {
                families[span.family].samples[span.index].value = value.value
                families[span.family].samples[span.index].timestamp = value.timestamp
            }
            let validator = FamilyValidator(format: format)
            var clean = true
            for family in families {
                // Only whether the values break a rule counts here: the errors themselves (and
                // the lines they name) come from the full parse below.
                var builder = FamilyBuilder(name: family.name, line: 0)
                builder.family = family
                if !validator.validate(builder).isEmpty {
                    clean = false
                    break
                }
            }
            if clean { return (Exposition(format: format, families: families, errors: []), true) }
        }
        return (ExpositionParser.parse(bytes, format: format), false)
    }

    /// Every sample's value and timestamp, if `text` is the template's text but for them.
    func values(of text: [UInt8]) -> [(value: Double, timestamp: Double?)]? {
        let om = format == .openMetrics
        return text.withUnsafeBufferPointer { new -> [(value: Double, timestamp: Double?)]? in
            bytes.withUnsafeBufferPointer { old -> [(value: Double, timestamp: Double?)]? in
                guard let newBase = new.baseAddress, let oldBase = old.baseAddress else { return nil }
                var out: [(value: Double, timestamp: Double?)] = []
                out.reserveCapacity(samples.count)
                var p = 0  // in the template: where the next literal part begins
                var q = 0  // in the new text
                for span in samples {
                    let literal = span.valueStart - p
                    guard q + literal <= new.count, memcmp(newBase + q, oldBase + p, literal) == 0 else { return nil }
                    q += literal
                    // The new line's numbers: up to its newline.
                    var end = q
                    while end < new.count, new[end] != 10 { end += 1 }
                    guard end > q, new[end - 1] != 13,
                        span.valueStart - span.lineStart + end - q <= ExpositionParser.maximumLineBytes
                    else { return nil }
                    let line = Line(buffer: new, start: q, end: end, number: span.line)
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
                    out.append((value, timestamp))
                    p = span.numbersEnd
                    q = end
                }
                let rest = old.count - p
                guard new.count - q == rest, memcmp(newBase + q, oldBase + p, rest) == 0 else { return nil }
                return out
            }
        }
    }
}
