/// Parses an exposition of any length piece by piece, in memory bounded by the pieces: a file
/// of a month of timestamped samples is read a few megabytes at a time.
///
/// Each `feed` parses the complete lines it has and hands out the samples read so far, family
/// metadata attached, except the metric point that may still go on in the next piece (the
/// buckets, count and sum of one histogram at one time stay together, so each is validated
/// whole). Line numbers run on across pieces. What is checked across a whole family in one
/// parse (a series group split by others, a series going back in time) is checked within each
/// piece only; a reader that needs it across pieces checks it itself.
public struct ExpositionStream {
    package var parser: ExpositionParser
    /// The bytes after the last newline fed, waiting for the rest of their line.
    package var carry: [UInt8] = []
    /// The line being skipped because it outgrew `maximumLineBytes` before its newline came.
    var skippingLongLine = false

    public init(format: ExpositionFormat) {
        parser = ExpositionParser(format: format)
    }

    public var format: ExpositionFormat { parser.format }
    /// Lines read so far.
    public var lineNumber: Int { parser.lineNumber }

    /// Parses the complete lines of `bytes` (after what earlier calls left over) and returns the
    /// samples ready, and the errors found, in this piece.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) -> Exposition {
        var rest = bytes[...]
        if skippingLongLine {
            guard let newline = rest.firstIndex(of: 10) else { return drain(final: false) }
            skippingLongLine = false
            parser.endedWithNewline = true
            rest = rest[(newline + 1)...]
        }
        guard let lastNewline = rest.lastIndex(of: 10) else {
            carry += rest
            if carry.count > ExpositionParser.maximumLineBytes + 1 {
                parser.lineNumber += 1
                parser.fail(parser.lineNumber, "line is longer than \(ExpositionParser.maximumLineBytes) bytes; longer lines are not allowed")
                carry = []
                skippingLongLine = true
            }
            return drain(final: false)
        }
        let complete = UnsafeBufferPointer(rebasing: rest[...lastNewline])
        if carry.isEmpty {
            parser.run(complete)
        } else {
            var joined = carry
            carry = []
            joined += complete
            joined.withUnsafeBufferPointer { parser.run($0) }
        }
        carry += rest[(lastNewline + 1)...]
        return drain(final: false)
    }

    public mutating func feed(_ bytes: [UInt8]) -> Exposition {
        bytes.withUnsafeBufferPointer { feed($0) }
    }

    /// Parses what is left (a last line without a newline) and returns everything not yet handed out.
    public mutating func finish() -> Exposition {
        if !carry.isEmpty, !skippingLongLine {
            let last = carry
            carry = []
            last.withUnsafeBufferPointer { parser.run($0) }
        }
        parser.checkEnd()
        return drain(final: true)
    }

    /// Takes the samples parsed so far out of the parser, keeping back the current family's last
    /// metric point unless `final`, and validates what it takes.
    mutating func drain(final: Bool) -> Exposition {
        var families: [MetricFamily] = []
        var errors = parser.errors
        parser.errors = []
        for index in parser.families.indices where !parser.families[index].samples.isEmpty {
            var samples: [ExpositionSample] = []
            swap(&samples, &parser.families[index].samples)
            if !final, index == parser.current {
                let open = Self.openPointStart(samples, type: parser.families[index].type)
                parser.families[index].samples = Array(samples[open...])
                samples.removeSubrange(open...)
                if samples.isEmpty { continue }
            }
            var taken = parser.families[index]
            taken.samples = samples
            if errors.count < ExpositionParser.maximumErrors {
                errors += FamilyValidator(format: parser.format).validate(taken, line: parser.states[index].line)
            }
            families.append(taken)
        }
        if final {
            // Families that never had a sample still count as families.
            for index in parser.families.indices where !parser.states[index].hasSamples { families.append(parser.families[index]) }
        }
        if errors.count > ExpositionParser.maximumErrors { errors.removeLast(errors.count - ExpositionParser.maximumErrors) }
        return Exposition(format: parser.format, families: families, errors: errors.sorted { $0.line < $1.line })
    }

    /// Where the last metric point of `samples` starts: the samples at the end that share its
    /// labels (but `le` or `quantile`) and its timestamp.
    static func openPointStart(_ samples: [ExpositionSample], type: MetricType) -> Int {
        guard let last = samples.last else { return 0 }
        let ignoring = FamilyValidator.pointLabel(type)
        let key = FamilyValidator.groupKey(last, ignoring: ignoring)
        var start = samples.count - 1
        while start > 0, case let previous = samples[start - 1], previous.timestamp == last.timestamp,
            FamilyValidator.groupKey(previous, ignoring: ignoring) == key
        {
            start -= 1
        }
        return start
    }
}
