import Core

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Parses the Prometheus text format 0.0.4 and OpenMetrics 1.0 text from bytes.
///
/// It reads line by line with byte offsets (no `String` per line), validates UTF-8 only where a
/// line has non-ASCII bytes, bounds every line and the number of errors it keeps, and never traps
/// on input. Syntax errors skip their line and parsing goes on, so `check metrics` can list them
/// all; callers that ingest treat any error as a failed scrape.
public struct ExpositionParser {
    /// Longest line accepted; a longer one is an error, not an allocation.
    public static let maximumLineBytes = 1 << 20
    /// Errors kept before the parser stops looking for more.
    public static let maximumErrors = 100

    package let format: ExpositionFormat
    package var om: Bool { format == .openMetrics }
    /// The whole text, when the parser reads one array (not a stream of chunks): families'
    /// help is kept as where it is in it.
    package var text: [UInt8]?

    /// The families read so far, and beside them what the parser keeps about each while reading
    /// (two arrays: the families are handed out whole at the end, not copied out of builders).
    package var families: [MetricFamily] = []
    var states: [FamilyState] = []
    /// 0.0.4: families by name, for the first `indexedFamilies` families. It is filled only
    /// when needed: while families come in increasing name order (as Go's clients and
    /// Prometheus write them) a greater name is a new family without a lookup.
    var familyByName: [String: Int] = [:]
    var indexedFamilies = 0
    var ascending = true
    /// The size to give `familyByName` when it is first filled.
    var expectedFamilies = 256
    /// OpenMetrics: every family name and reserved sample name used so far, to catch clashes.
    var usedNames: Set<String> = []
    package var current: Int?
    package var errors: [ExpositionError] = []
    /// Every error found so far, kept or not (a stream hands kept errors out as it goes).
    package var failures = 0
    var sawEOF = false
    /// Lines read so far, and whether the last byte read ended a line.
    package var lineNumber = 0
    var endedWithNewline = false
    /// The last sample's labels, whose strings the next sample reuses where equal.
    var previousLabels: [Label] = []
    /// The last four sample names read, and which of them the next new name replaces.
    var recentNames: [String] = []
    var recentNamesNext = 0
    /// The last name `familyForSample` placed, and where: the next sample of that name goes there too.
    var lastPlaced: (name: String, family: Int)?

    /// Parses `bytes`; the format comes from the caller (Content-Type) or `ExpositionFormat.sniff`.
    public static func parse(_ bytes: [UInt8], format: ExpositionFormat) -> Exposition {
        var parser = ExpositionParser(format: format)
        if bytes.count < UInt32.max { parser.text = bytes }
        // Families by name, if needed, sized for the text (about one per 128 bytes of
        // metadata-heavy text) so the table is not grown and rehashed while parsing.
        parser.expectedFamilies = min(max(bytes.count / 128, 256), 16384)
        bytes.withUnsafeBufferPointer { parser.run($0) }
        parser.checkEnd()
        var errors = parser.errors
        let validator = FamilyValidator(format: format)
        for index in parser.families.indices where errors.count < maximumErrors {
            let found = validator.validate(parser.families[index], line: parser.states[index].line)
            if !found.isEmpty { errors += found }
        }
        let families = parser.families
        if errors.count > maximumErrors { errors.removeLast(errors.count - maximumErrors) }
        return Exposition(format: format, families: families, errors: errors.sorted { $0.line < $1.line })
    }

    package init(format: ExpositionFormat) { self.format = format }

    package mutating func fail(_ line: Int, _ message: String) {
        failures += 1
        if failures >= Self.maximumErrors { halted = true }
        if errors.count < Self.maximumErrors { errors.append(ExpositionError(line: line, message: message)) }
    }

    /// Set when parsing stops for good: text after `# EOF`, or too many errors.
    var halted = false

    /// Parses the lines in `buffer`, which continues what earlier calls read (line numbers go on).
    package mutating func run(_ buffer: UnsafeBufferPointer<UInt8>) {
        var start = 0
        let count = buffer.count
        guard let base = buffer.baseAddress, count > 0 else { return }
        endedWithNewline = buffer[count - 1] == 10
        // Mostly the whole buffer is ASCII: one check here spares one per line.
        let allASCII = !Line(buffer: buffer, start: 0, end: count, number: 0).hasNonASCII
        while start < count, !halted {
            lineNumber += 1
            let newline = memchr(base + start, 10, count - start)
            let end = newline.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? count
            let hasNewline = end < count
            var lineEnd = end
            if !om, lineEnd > start, buffer[lineEnd - 1] == 13 { lineEnd -= 1 }  // tolerate CRLF in 0.0.4
            if lineEnd - start > Self.maximumLineBytes {
                fail(lineNumber, "line is \(lineEnd - start) bytes long; at most \(Self.maximumLineBytes) are allowed")
            } else if sawEOF {
                fail(lineNumber, "text after '# EOF'; it must be the last line")
                halted = true
            } else {
                let line = Line(buffer: buffer, start: start, end: lineEnd, number: lineNumber)
                if !allASCII, line.hasNonASCII, !line.isValidUTF8 {
                    fail(lineNumber, "not valid UTF-8 text")
                } else {
                    parseLine(line, terminated: hasNewline)
                }
            }
            start = end + 1
        }
    }

    /// After the last line: OpenMetrics must have ended with `# EOF`.
    mutating func checkEnd() {
        if om && !sawEOF && failures == 0 {
            fail(lineNumber + (endedWithNewline ? 1 : 0), "missing '# EOF' at the end (OpenMetrics requires it)")
        }
    }

    mutating func parseLine(_ line: Line, terminated: Bool) {
        if line.isEmpty || (!om && line.isBlank) {
            if om { fail(line.number, "blank line; OpenMetrics does not allow empty lines") }
            return
        }
        var cursor = line.start
        if !om { cursor = line.skipBlanks(from: cursor) }
        if line[cursor] == UInt8(ascii: "#") {
            parseComment(line, from: cursor)
        } else {
            parseSample(line, from: cursor)
        }
    }

    // MARK: Metadata

    mutating func parseComment(_ line: Line, from start: Int) {
        if om {
            if line.equals(start, "# EOF") {
                sawEOF = true
                return
            }
            guard
                line.equals(start, "# HELP ", prefix: true) || line.equals(start, "# TYPE ", prefix: true)
                    || line.equals(start, "# UNIT ", prefix: true)
            else {
                fail(line.number, "OpenMetrics allows only '# HELP', '# TYPE', '# UNIT' and '# EOF' lines starting with '#'")
                return
            }
            let keyword: MetadataKeyword = line[start + 2] == UInt8(ascii: "H") ? .help : line[start + 2] == UInt8(ascii: "T") ? .type : .unit
            parseMetadata(line, keyword: keyword, from: start + 7)
            return
        }
        // 0.0.4: '#', blanks, a keyword; anything but HELP and TYPE is a comment.
        var i = line.skipBlanks(from: start + 1)
        let keywordStart = i
        while i < line.end, !line.isBlank(at: i) { i += 1 }
        guard i - keywordStart == 4 else { return }
        let word = UnsafeRawPointer(line.buffer.baseAddress! + keywordStart).loadUnaligned(as: UInt32.self)
        let keyword: MetadataKeyword
        if word == Self.helpWord {
            keyword = .help
        } else if word == Self.typeWord {
            keyword = .type
        } else {
            return
        }
        guard i < line.end else {
            fail(line.number, "'# \(keyword.rawValue)' needs a metric name")
            return
        }
        parseMetadata(line, keyword: keyword, from: line.skipBlanks(from: i))
    }

    /// "HELP" and "TYPE" as four bytes read at once.
    static let helpWord = UInt32(littleEndian: 0x504C_4548)
    static let typeWord = UInt32(littleEndian: 0x4550_5954)

    mutating func parseMetadata(_ line: Line, keyword: MetadataKeyword, from start: Int) {
        var i = start
        // TYPE after HELP (and UNIT) names the family just started: reuse its name string.
        let known = current.flatMap { states[$0].plainName ? families[$0].name : nil }
        let plain = i < line.end && line[i] != UInt8(ascii: "\"")  // not a quoted UTF-8 name
        guard let name = readMetricName(line, &i, quotedAllowed: true, reusing: known) else { return }
        // Then exactly one space (OpenMetrics) or blanks (0.0.4), then the rest of the line.
        if om {
            if keyword != .type {
                guard i < line.end, line[i] == UInt8(ascii: " ") else {
                    fail(
                        line.number, "'# \(keyword.rawValue) \(name)' must be followed by a space and the \(keyword == .help ? "help text" : "unit")")
                    return
                }
                i += 1
            } else {
                guard i < line.end, line[i] == UInt8(ascii: " "), i + 1 < line.end else {
                    fail(line.number, "'# TYPE \(name)' needs a type")
                    return
                }
                i += 1
            }
        } else if i < line.end {
            guard line.isBlank(at: i) else {
                fail(line.number, "unexpected character after the metric name in '# \(keyword.rawValue)'")
                return
            }
            i = line.skipBlanks(from: i)
        }
        switch keyword {
        case .help:
            if let text, !line.hasBackslash(i, line.end) {
                setHelp(text, i, line.end - i, for: name, plain: plain, line: line.number)
                return
            }
            guard let unescaped = line.unescapedBytes(i, line.end, quote: false, strict: !om) else {
                fail(line.number, "invalid escape in help text; only \\\\ and \\n are allowed")
                return
            }
            setHelp(unescaped, 0, unescaped.count, for: name, plain: plain, line: line.number)
        case .type:
            var end = line.end
            if !om { while end > i, line.isBlank(at: end - 1) { end -= 1 } }
            // The type word matched in place: a string for it only when it is not one we know.
            guard let type = MetricType(typeWord: line, i, end, openMetrics: om) else {
                let allowed =
                    om
                    ? "counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown"
                    : "counter, gauge, histogram, summary or untyped"
                fail(line.number, "unknown metric type '\(QuotedText.clip(line.text(i, end)))' for \(name); expected \(allowed)")
                return
            }
            setType(type, for: name, plain: plain, line: line.number)
        case .unit:
            setUnit(line.text(i, line.end), for: name, plain: plain, line: line.number)
        }
    }

    /// The family metadata for `name` belongs to, starting one if needed; nil after an error.
    /// `plain`: the name is a legacy one (it was not quoted).
    mutating func familyForMetadata(_ name: String, plain: Bool, line: Int, what: String) -> Int? {
        if let current, families[current].name == name {
            if states[current].hasSamples {
                fail(line, "'# \(what)' for \(name) comes after its samples; metadata must come first")
                return nil
            }
            return current
        }
        if om {
            guard usedNames.insert(name).inserted else {
                fail(line, "metric family \(name) is declared again or clashes with an earlier family's samples")
                return nil
            }
            return startFamily(name, plain: plain, line: line)
        }
        if ascending, Line.precedes(families.last?.name, name) { return startFamily(name, plain: plain, line: line) }
        ascending = false
        indexFamilies()
        // One hash: the name's family if there is one, else the index a new family gets.
        let next = families.count
        let existing = Self.value(&familyByName[name, default: next])
        guard existing != next else {
            indexedFamilies += 1
            return startFamily(name, plain: plain, line: line)
        }
        if states[existing].hasSamples {
            fail(line, "'# \(what)' for \(name) comes after its samples; metadata must come first")
            return nil
        }
        current = existing
        return existing
    }

    /// What an inout access found or inserted (`dictionary[key, default:]` hashes once).
    package static func value(_ value: inout Int) -> Int { value }

    mutating func startFamily(_ name: consuming String, plain: Bool, line: Int) -> Int {
        states.append(FamilyState(line: line, plainName: plain || Line.isLegacyName(name, colon: true)))
        families.append(MetricFamily(starting: consume name))
        let index = families.count - 1
        current = index
        return index
    }

    /// Puts every family not yet in `familyByName` there (family names are unique).
    mutating func indexFamilies() {
        guard indexedFamilies < families.count else { return }
        if indexedFamilies == 0 { familyByName.reserveCapacity(max(expectedFamilies, families.count)) }
        while indexedFamilies < families.count {
            familyByName[families[indexedFamilies].name] = indexedFamilies
            indexedFamilies += 1
        }
    }

    mutating func setHelp(_ text: [UInt8], _ start: Int, _ count: Int, for name: String, plain: Bool, line: Int) {
        guard let index = familyForMetadata(name, plain: plain, line: line, what: "HELP") else { return }
        guard families[index].helpSpan == MetricFamily.noHelp else {
            fail(line, "second '# HELP' line for \(name)")
            return
        }
        families[index].helpText = text
        families[index].helpSpan = MetricFamily.span(start, count)
    }

    mutating func setType(_ type: MetricType, for name: String, plain: Bool, line: Int) {
        guard let index = familyForMetadata(name, plain: plain, line: line, what: "TYPE") else { return }
        guard !states[index].typed else {
            fail(line, "second '# TYPE' line for \(name)")
            return
        }
        states[index].typed = true
        families[index].type = type
        if om {
            for reserved in type.sampleSuffixes(openMetrics: true).map({ name + $0 }) where reserved != name {
                if !usedNames.insert(reserved).inserted {
                    fail(line, "\(name) as a \(type.rawValue) would own \(reserved), which an earlier family already uses")
                }
            }
            if let unit = families[index].unit, !unit.isEmpty, type == .info || type == .stateset {
                fail(line, "\(type.rawValue) metrics cannot have a unit")
            }
        }
    }

    mutating func setUnit(_ unit: String, for name: String, plain: Bool, line: Int) {
        guard let index = familyForMetadata(name, plain: plain, line: line, what: "UNIT") else { return }
        guard families[index].unit == nil else {
            fail(line, "second '# UNIT' line for \(name)")
            return
        }
        if !unit.isEmpty && !name.hasSuffix("_" + unit) {
            fail(
                line, "the unit '\(QuotedText.clip(unit))' must be the suffix of the metric name (\(name) does not end in _\(QuotedText.clip(unit)))")
            return
        }
        if states[index].typed, families[index].type == .info || families[index].type == .stateset {
            fail(line, "\(families[index].type.rawValue) metrics cannot have a unit")
            return
        }
        families[index].unit = unit
    }

    // MARK: Samples

    mutating func parseSample(_ line: Line, from start: Int) {
        var i = start
        var name: String?
        if line[i] != UInt8(ascii: "{") {
            guard let plain = readSampleName(line, &i) else { return }
            name = plain
        }
        let plain = name != nil  // read unquoted, so a legacy name
        if !om, case let next = line.skipBlanks(from: i), next < line.end, line[next] == UInt8(ascii: "{") { i = next }
        var labels: [Label] = []
        if i < line.end, line[i] == UInt8(ascii: "{") {
            guard let parsed = readLabels(line, &i, metricName: &name) else { return }
            labels = parsed
        }
        guard let name, !name.isEmpty else {
            fail(line.number, "sample without a metric name")
            return
        }
        guard i < line.end else {
            fail(line.number, "missing value after \(name)")
            return
        }
        guard readSeparator(line, &i) else {
            fail(line.number, om ? "expected one space before the value" : "expected a blank before the value")
            return
        }
        let valueStart = i
        while i < line.end, !line.isBlank(at: i) { i += 1 }
        guard let value = NumberParser.value(line, valueStart, i, openMetrics: om) else {
            fail(line.number, "invalid value '\(QuotedText.clip(line.text(valueStart, i)))'; expected a number, NaN, +Inf or -Inf")
            return
        }
        var timestamp: Double?
        var exemplar: Exemplar?
        if i < line.end {
            let beforeSeparator = i
            guard readSeparator(line, &i) else {
                fail(line.number, "unexpected text after the value")
                return
            }
            if i < line.end, line[i] == UInt8(ascii: "#") {
                i = beforeSeparator
            } else if i < line.end {
                let tsStart = i
                while i < line.end, !line.isBlank(at: i) { i += 1 }
                guard let ts = NumberParser.timestamp(line, tsStart, i, openMetrics: om) else {
                    fail(
                        line.number,
                        om
                            ? "invalid timestamp '\(QuotedText.clip(line.text(tsStart, i)))'; expected seconds as a finite number"
                            : "invalid timestamp '\(QuotedText.clip(line.text(tsStart, i)))'; expected whole milliseconds")
                    return
                }
                timestamp = ts
            } else {
                fail(line.number, "trailing whitespace after the value")
                return
            }
            if i < line.end {
                if om, line.equals(i, " # ", prefix: true) {
                    i += 3
                    guard let parsed = readExemplar(line, &i) else { return }
                    exemplar = parsed
                } else if !om, line.skipBlanks(from: i) == line.end {
                    i = line.end
                } else {
                    fail(line.number, "unexpected text after the \(timestamp == nil ? "value" : "timestamp")")
                    return
                }
            }
        }
        if i != line.end {
            fail(line.number, "unexpected text at the end of the line")
            return
        }
        previousLabels = labels
        guard let index = familyForSample(name, plain: plain, line: line.number) else { return }
        // Made in place in its family's array (a sample made first and passed on is copied once more).
        if families[index].samples.capacity == 0 { families[index].samples.reserveCapacity(4) }
        families[index].samples.append(
            ExpositionSample(
                name: consume name, labels: consume labels, value: value, timestamp: timestamp, exemplar: consume exemplar, line: line.number))
        states[index].hasSamples = true
    }

    /// One space (OpenMetrics) or a run of blanks (0.0.4) that must be followed by something.
    func readSeparator(_ line: Line, _ i: inout Int) -> Bool {
        guard i < line.end, line.isBlank(at: i) else { return false }
        if om {
            guard line[i] == UInt8(ascii: " "), i + 1 < line.end, !line.isBlank(at: i + 1) else { return false }
            i += 1
            return true
        }
        i = line.skipBlanks(from: i)
        return i < line.end
    }

    /// The family a sample called `name` belongs to, starting one if needed; nil after an error.
    /// `plain`: the name is a legacy one (it was not quoted).
    mutating func familyForSample(_ name: String, plain: Bool, line: Int) -> Int? {
        if let lastPlaced, lastPlaced.family == current, lastPlaced.name == name { return lastPlaced.family }
        let index: Int
        if let current, MetricFamily.allows(name, in: families[current].name, families[current].type, openMetrics: om) {
            index = current
        } else if om {
            guard usedNames.insert(name).inserted else {
                fail(line, "sample \(name) is not next to the rest of its family; a family's lines must stay together")
                return nil
            }
            index = startFamily(name, plain: plain, line: line)
        } else {
            indexFamilies()
            if let owner = familyByName[name] ?? typedOwner(of: name) {
                index = owner
                current = owner
            } else {
                ascending = false
                index = startFamily(name, plain: plain, line: line)
                familyByName[name] = index
                indexedFamilies += 1
            }
        }
        lastPlaced = (name, index)
        return index
    }

    /// 0.0.4: the declared histogram or summary whose `_bucket`, `_count` or `_sum` `name` is.
    func typedOwner(of name: String) -> Int? {
        for suffix in MetricType.textHistogramSuffixes where name.utf8.count > suffix.utf8.count && name.hasSuffix(suffix) {
            let stem = String(name.utf8.dropLast(suffix.utf8.count))!
            guard let index = familyByName[stem] else { return nil }
            return families[index].type.sampleSuffixes(openMetrics: false).contains(suffix) ? index : nil
        }
        return nil
    }

    // MARK: Tokens

    /// A legacy metric name `[a-zA-Z_:][a-zA-Z0-9_:]*`, or a quoted UTF-8 one where allowed.
    /// A sample's metric name, as the same string as a recent sample's or its family's when the
    /// bytes are equal (a histogram's lines cycle through `_bucket`, `_sum` and `_count`).
    mutating func readSampleName(_ line: Line, _ i: inout Int) -> String? {
        // The family's own name first (a family's first sample, most often), then recent ones.
        if let current, states[current].plainName, let end = line.nameEnd(at: i, spelling: families[current].name) {
            i = end
            return families[current].name
        }
        for k in recentNames.indices {
            if let end = line.nameEnd(at: i, spelling: recentNames[k]) {
                i = end
                return recentNames[k]
            }
        }
        guard let name = readMetricName(line, &i, quotedAllowed: false, reusing: nil) else { return nil }
        if recentNames.count < 4 { recentNames.append(name) } else { recentNames[recentNamesNext] = name }
        recentNamesNext = (recentNamesNext + 1) % 4
        return name
    }

    mutating func readMetricName(_ line: Line, _ i: inout Int, quotedAllowed: Bool, reusing known: String?) -> String? {
        if quotedAllowed, i < line.end, line[i] == UInt8(ascii: "\"") {
            guard let quoted = readQuoted(line, &i) else { return nil }
            return quoted
        }
        if let known, let end = line.nameEnd(at: i, spelling: known) {
            i = end  // the bytes are `known`, a valid name: no scan, no new string
            return known
        }
        let start = i
        i = line.nameEnd(from: i, colon: true)
        guard i > start else {
            fail(line.number, "expected a metric name (letters, digits, '_' and ':', not starting with a digit)")
            return nil
        }
        if i < line.end, !line.isBlank(at: i), line[i] != UInt8(ascii: "{") {
            fail(line.number, "invalid character '\(QuotedText.clip(line.text(i, i + 1)))' in metric name")
            return nil
        }
        return line.text(start, i, reusing: known)
    }

    /// `"..."` with escapes; `\\`, `\"` and `\n` everywhere, others kept as written in
    /// OpenMetrics and refused in 0.0.4.
    mutating func readQuoted(_ line: Line, _ i: inout Int, reusing candidate: String? = nil) -> String? {
        var reused = false
        return readQuoted(line, &i, reusing: candidate, reused: &reused)
    }

    /// `reused` tells whether `candidate` itself came back.
    mutating func readQuoted(_ line: Line, _ i: inout Int, reusing candidate: String?, reused: inout Bool) -> String? {
        guard i < line.end, line[i] == UInt8(ascii: "\"") else {
            fail(line.number, "expected a double-quoted label value")
            return nil
        }
        let start = i + 1
        var j = start
        var sawEscape = false
        while j < line.end {
            let b = line[j]
            if b == UInt8(ascii: "\"") { break }
            if b == UInt8(ascii: "\\") {
                sawEscape = true
                j += 1  // the escaped byte cannot end the string
            }
            j += 1
        }
        guard j < line.end else {
            fail(line.number, "unterminated quoted string (missing closing \")")
            return nil
        }
        if !sawEscape {
            i = j + 1
            if let candidate, line.spells(start, j, candidate) {
                reused = true
                return candidate
            }
            return line.text(start, j)
        }
        guard let text = line.unescape(start, j, quote: true, strict: !om, reusing: candidate) else {
            fail(line.number, "invalid escape sequence in a quoted string; only \\\\, \\\" and \\n are allowed")
            return nil
        }
        i = j + 1
        return text
    }

    /// `{name="value",...}`; `name` may come first as a quoted string (UTF-8 metric names).
    mutating func readLabels(_ line: Line, _ i: inout Int, metricName: inout String?) -> [Label]? {
        var labels: [Label] = []
        labels.reserveCapacity(max(previousLabels.count, 4))  // one allocation, not one per doubling
        var allReused = true
        guard readLabels(line, &i, into: &labels, metricName: &metricName, allReused: &allReused) else { return nil }
        // The previous sample's array when every name and value was its (the common case for
        // a series' lines that differ only in the value).
        return allReused && labels.count == previousLabels.count ? previousLabels : labels
    }

    /// Reads labels into `labels`, reusing the previous sample's strings where the bytes are
    /// equal; `allReused` stays true only if every name and value was reused, in order.
    mutating func readLabels(_ line: Line, _ i: inout Int, into labels: inout [Label], metricName: inout String?, allReused: inout Bool) -> Bool {
        i += 1
        var first = true
        // Whether the names so far are the previous sample's, in order: then they cannot repeat.
        var namesReused = allReused
        while true {
            if !om { i = line.skipBlanks(from: i) }
            guard i < line.end else {
                fail(line.number, "unterminated label set (missing '}')")
                return false
            }
            if line[i] == UInt8(ascii: "}") {
                if !first && om {
                    fail(line.number, "trailing comma before '}'")
                    return false
                }
                i += 1
                break
            }
            var labelName: String
            var isName = false  // `__name__`
            if line[i] == UInt8(ascii: "\"") {
                guard let quoted = readQuoted(line, &i) else { return false }
                labelName = quoted
                isName = quoted == "__name__"
                allReused = false
                namesReused = false
                if !om { i = line.skipBlanks(from: i) }
                if metricName == nil, labels.isEmpty, i < line.end, line[i] == UInt8(ascii: ",") || line[i] == UInt8(ascii: "}") {
                    metricName = quoted
                    if line[i] == UInt8(ascii: ",") { i += 1 }
                    first = i < line.end && line[i] == UInt8(ascii: "}")
                    continue
                }
            } else {
                let start = i
                i = line.nameEnd(from: i, colon: false)
                guard i > start else {
                    fail(line.number, "expected a label name (letters, digits and '_', not starting with a digit)")
                    return false
                }
                if namesReused, labels.count < previousLabels.count, line.spells(start, i, previousLabels[labels.count].name) {
                    labelName = previousLabels[labels.count].name
                } else {
                    labelName = line.text(start, i)
                    allReused = false
                    namesReused = false
                }
                isName = i - start == 8 && line.equals(start, "__name__", prefix: true)
            }
            if !om { i = line.skipBlanks(from: i) }
            guard i < line.end, line[i] == UInt8(ascii: "=") else {
                fail(line.number, "expected '=' after label name \(QuotedText.clip(labelName))")
                return false
            }
            i += 1
            if !om { i = line.skipBlanks(from: i) }
            let candidate = labels.count < previousLabels.count ? previousLabels[labels.count].value : nil
            var valueReused = false
            guard let value = readQuoted(line, &i, reusing: candidate, reused: &valueReused) else { return false }
            if !valueReused { allReused = false }
            if isName {
                allReused = false
                namesReused = false
                guard metricName == nil else {
                    fail(line.number, "the metric name is given twice (before the braces and as __name__)")
                    return false
                }
                metricName = value
            } else {
                let length = labelName.utf8.count
                if !namesReused, labels.contains(where: { $0.name.utf8.count == length && $0.name == labelName }) {
                    fail(line.number, "duplicate label \(QuotedText.clip(labelName))")
                    return false
                }
                labels.append(Label(labelName, value))
            }
            if !om { i = line.skipBlanks(from: i) }
            guard i < line.end else {
                fail(line.number, "unterminated label set (missing '}')")
                return false
            }
            if line[i] == UInt8(ascii: ",") {
                i += 1
                first = false
                if om, i < line.end, line[i] == UInt8(ascii: "}") {
                    fail(line.number, "trailing comma before '}'")
                    return false
                }
                continue
            }
            guard line[i] == UInt8(ascii: "}") else {
                fail(line.number, "expected ',' or '}' after a label value")
                return false
            }
            i += 1
            break
        }
        return true
    }

    /// `{labels} value [timestamp]` after ` # `.
    mutating func readExemplar(_ line: Line, _ i: inout Int) -> Exemplar? {
        guard i < line.end, line[i] == UInt8(ascii: "{") else {
            fail(line.number, "an exemplar starts with a label set, as in '# {trace_id=\"abc\"} 1.0'")
            return nil
        }
        var noName: String?
        var labels: [Label] = []
        var allReused = false
        guard readLabels(line, &i, into: &labels, metricName: &noName, allReused: &allReused) else { return nil }
        if noName != nil {
            fail(line.number, "an exemplar's labels cannot carry a metric name")
            return nil
        }
        let length = labels.reduce(0) { $0 + $1.name.unicodeScalars.count + $1.value.unicodeScalars.count }
        guard length <= 128 else {
            fail(line.number, "exemplar labels are \(length) characters long; at most 128 are allowed")
            return nil
        }
        guard readSeparator(line, &i) else {
            fail(line.number, "expected one space and a value after the exemplar's labels")
            return nil
        }
        let valueStart = i
        while i < line.end, !line.isBlank(at: i) { i += 1 }
        guard let value = NumberParser.value(line, valueStart, i, openMetrics: true) else {
            fail(line.number, "invalid exemplar value '\(QuotedText.clip(line.text(valueStart, i)))'")
            return nil
        }
        var timestamp: Double?
        if i < line.end {
            guard readSeparator(line, &i) else {
                fail(line.number, "unexpected text after the exemplar value")
                return nil
            }
            let tsStart = i
            while i < line.end, !line.isBlank(at: i) { i += 1 }
            guard let ts = NumberParser.timestamp(line, tsStart, i, openMetrics: true), i == line.end else {
                fail(line.number, "invalid exemplar timestamp '\(QuotedText.clip(line.text(tsStart, i)))'")
                return nil
            }
            timestamp = ts
        }
        return Exemplar(labels: labels, value: value, timestamp: timestamp)
    }
}
