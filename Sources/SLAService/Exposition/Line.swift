import Core

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// One line of an exposition as byte offsets into the whole buffer.
package struct Line {
    package let buffer: UnsafeBufferPointer<UInt8>
    package let start: Int
    package let end: Int
    package let number: Int

    package subscript(_ i: Int) -> UInt8 { buffer[i] }
    package var isEmpty: Bool { start == end }
    var isBlank: Bool { skipBlanks(from: start) == end }

    func isBlank(at i: Int) -> Bool { buffer[i] == 32 || buffer[i] == 9 }

    func skipBlanks(from i: Int) -> Int {
        var j = i
        while j < end, isBlank(at: j) { j += 1 }
        return j
    }

    /// Eight bytes at a time: the check runs on every line.
    var hasNonASCII: Bool {
        guard let base = buffer.baseAddress else { return false }
        var i = start
        while i + 8 <= end {
            if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return true }
            i += 8
        }
        while i < end {
            if buffer[i] >= 0x80 { return true }
            i += 1
        }
        return false
    }

    var isValidUTF8: Bool {
        String(validating: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self) != nil
    }

    /// Bytes `i..<j` as text (the line is known to be valid UTF-8).
    package func text(_ i: Int, _ j: Int) -> String {
        let upper = min(max(i, j), end)
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[i..<upper]), as: UTF8.self)
    }

    /// Bytes `i..<j` as text, giving back `candidate` itself when it spells the same bytes: the
    /// previous sample's name or label, mostly, so a run of similar lines allocates no strings.
    package func text(_ i: Int, _ j: Int, reusing candidate: String?) -> String {
        guard let candidate, spells(i, j, candidate) else { return text(i, j) }
        return candidate
    }

    /// Whether bytes `i..<j` are `candidate`'s UTF-8.
    func spells(_ i: Int, _ j: Int, _ candidate: String?) -> Bool {
        guard let candidate else { return false }
        let count = min(max(i, j), end) - i
        guard candidate.utf8.count == count else { return false }  // O(1) for native strings
        return count == 0 || bytes(at: i, equal: candidate)
    }

    /// Whether the bytes at `i` begin with `candidate`'s UTF-8 (which fits in the line).
    package func bytes(at i: Int, equal candidate: String) -> Bool {
        // Read in place (no copy of the string to make it mutable for `withUTF8`).
        candidate.utf8.withContiguousStorageIfAvailable { known in
            Line.bytesEqual(UnsafeRawPointer(known.baseAddress!), UnsafeRawPointer(buffer.baseAddress! + i), known.count)
        } ?? candidate.utf8.elementsEqual(buffer[i..<(i + candidate.utf8.count)])
    }

    /// Where a metric name at `i` ends if it is `candidate` (a valid name): its bytes, then a
    /// blank, `{` or the end of the line. Nil otherwise.
    func nameEnd(at i: Int, spelling candidate: String) -> Int? {
        let count = candidate.utf8.count
        guard count > 0, i + count <= end else { return nil }
        let next = i + count
        guard next == end || isBlank(at: next) || buffer[next] == UInt8(ascii: "{") else { return nil }
        return bytes(at: i, equal: candidate) ? next : nil
    }

    /// Whether `a` sorts before `b` by UTF-8 bytes (nil sorts first).
    static func precedes(_ a: String?, _ b: String) -> Bool {
        guard let a else { return true }
        // Read in place (`withUTF8` would want a mutable copy of each string).
        let inPlace = a.utf8.withContiguousStorageIfAvailable { a in
            b.utf8.withContiguousStorageIfAvailable { b in
                let common = Swift.min(a.count, b.count)
                let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
                return order < 0 || (order == 0 && a.count < b.count)
            }
        }
        if let inPlace, let inPlace { return inPlace }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// `memcmp(a, b, count) == 0` inline, eight bytes at a time: the strings compared here are
    /// short, and a call into libc for each costs more than the comparison.
    /// The tail is one more word that overlaps the last (no loop byte by byte).
    @inline(__always) static func bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        if count >= 8 {
            var k = 0
            while k + 8 < count {
                if a.loadUnaligned(fromByteOffset: k, as: UInt64.self) != b.loadUnaligned(fromByteOffset: k, as: UInt64.self) { return false }
                k += 8
            }
            return a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        if count >= 4 {
            return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) == b.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        }
        if count >= 2 {
            return a.loadUnaligned(as: UInt16.self) == b.loadUnaligned(as: UInt16.self)
                && a.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self) == b.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self)
        }
        return count == 0 || a.load(as: UInt8.self) == b.load(as: UInt8.self)
    }

    /// True when the bytes at `i` are `literal` (to the end of the line unless `prefix`).
    func equals(_ i: Int, _ literal: StaticString, prefix: Bool = false) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard i + count <= end, prefix || i + count == end else { return false }
        let bytes = literal.utf8Start
        for k in 0..<count where buffer[i + k] != bytes[k] { return false }
        return true
    }

    /// Whether bytes `i..<j` hold a `\\` (an escape).
    func hasBackslash(_ i: Int, _ j: Int) -> Bool {
        j > i && memchr(buffer.baseAddress! + i, Int32(UInt8(ascii: "\\")), j - i) != nil
    }

    /// Bytes `i..<j` with escapes resolved: `\\` and `\n`, and `\"` in quoted strings. Unknown
    /// escapes are kept as written unless `strict`, when they make the text invalid (nil).
    func unescape(_ i: Int, _ j: Int, quote: Bool, strict: Bool, reusing candidate: String? = nil) -> String? {
        guard hasBackslash(i, j) else {
            return text(i, j, reusing: candidate)  // the common case: nothing to unescape
        }
        return unescapedBytes(i, j, quote: quote, strict: strict).map { String(decoding: $0, as: UTF8.self) }
    }

    /// What `unescape` reads, as UTF-8.
    func unescapedBytes(_ i: Int, _ j: Int, quote: Bool, strict: Bool) -> [UInt8]? {
        var k = i
        var out: [UInt8] = []
        out.reserveCapacity(j - i)
        while k < j {
            let b = buffer[k]
            if b == UInt8(ascii: "\\"), k + 1 < j {
                let next = buffer[k + 1]
                switch next {
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "\"") where quote: out.append(UInt8(ascii: "\""))
                default:
                    if strict { return nil }
                    out.append(b)
                    out.append(next)
                }
                k += 2
            } else if b == UInt8(ascii: "\\") {
                if strict { return nil }
                out.append(b)
                k += 1
            } else {
                out.append(b)
                k += 1
            }
        }
        return out
    }

    /// Per byte value, as `MetricName.byteClass` gives it. Names are read byte by byte, so a
    /// table made once and never freed, read through a plain pointer (no array checks).
    nonisolated(unsafe) static let nameClasses: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for b in 0..<256 { table[b] = MetricName.byteClass(UInt8(b)) }
        return UnsafePointer(table)
    }()

    /// Whether `name` is a legacy metric name, `[a-zA-Z_:][a-zA-Z0-9_:]*` (`colon`), or a
    /// label name, `[a-zA-Z_][a-zA-Z0-9_]*`.
    package static func isLegacyName(_ name: String, colon: Bool) -> Bool {
        func check(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
            !buffer.isEmpty && Line(buffer: buffer, start: 0, end: buffer.count, number: 0).nameEnd(from: 0, colon: colon) == buffer.count
        }
        return name.utf8.withContiguousStorageIfAvailable(check) ?? Array(name.utf8).withUnsafeBufferPointer(check)
    }

    /// The end of the name that starts at `i`: legacy metric names (`colon`) or label names.
    func nameEnd(from i: Int, colon: Bool) -> Int {
        let classes = Line.nameClasses
        let mask: UInt8 = colon ? 0b111 : 0b011
        guard i < end, classes[Int(buffer[i])] & mask & 0b101 != 0 else { return i }
        var j = i + 1
        while j < end, classes[Int(buffer[j])] & mask != 0 { j += 1 }
        return j
    }
}
