import Glibc

/// Numbers as the two formats write them, parsed without a `String` in the common cases.
enum NumberParser {
    /// A sample value: decimal with optional exponent, or NaN / +Inf / -Inf (0.0.4 also takes
    /// Go's spellings: any case, `Inf`, `infinity`). No hex, no underscores, no spaces.
    package static func value(_ line: Line, _ i: Int, _ j: Int, openMetrics: Bool) -> Double? {
        guard j > i else { return nil }
        if let special = special(line, i, j, openMetrics: openMetrics) { return special }
        return decimal(line, i, j)
    }

    /// A timestamp: OpenMetrics seconds (a finite decimal), or 0.0.4's whole milliseconds (in seconds).
    package static func timestamp(_ line: Line, _ i: Int, _ j: Int, openMetrics: Bool) -> Double? {
        guard j > i else { return nil }
        if openMetrics {
            guard let seconds = decimal(line, i, j), seconds.isFinite else { return nil }
            return seconds
        }
        var k = i
        var negative = false
        if line[k] == UInt8(ascii: "-") || line[k] == UInt8(ascii: "+") {
            negative = line[k] == UInt8(ascii: "-")
            k += 1
        }
        guard k < j, j - k <= 18 else { return nil }
        var ms: Int64 = 0
        while k < j {
            let b = line[k]
            guard b >= 48, b <= 57 else { return nil }
            ms = ms * 10 + Int64(b - 48)
            k += 1
        }
        return Double(negative ? -ms : ms) / 1000
    }

    static func special(_ line: Line, _ i: Int, _ j: Int, openMetrics: Bool) -> Double? {
        let first = line[i]
        let isLetter = (first | 0x20) >= UInt8(ascii: "a") && (first | 0x20) <= UInt8(ascii: "z")
        guard isLetter || ((first == UInt8(ascii: "+") || first == UInt8(ascii: "-")) && j - i > 1 && (line[i + 1] | 0x20) == UInt8(ascii: "i"))
        else { return nil }
        if openMetrics {
            if line.equals(i, "NaN") && j == i + 3 { return .nan }
            if line.equals(i, "+Inf") && j == i + 4 { return .infinity }
            if line.equals(i, "-Inf") && j == i + 4 { return -.infinity }
            return nil
        }
        var word = ""
        for k in i..<j { word.unicodeScalars.append(Unicode.Scalar(line[k] | (line[k] >= 65 && line[k] <= 90 ? 0x20 : 0))) }
        switch word {
        case "nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
    }

    /// `[+-]digits[.digits][(e|E)[+-]digits]`, correctly rounded.
    package static func decimal(_ line: Line, _ i: Int, _ j: Int) -> Double? {
        var k = i
        var negative = false
        if line[k] == UInt8(ascii: "+") || line[k] == UInt8(ascii: "-") {
            negative = line[k] == UInt8(ascii: "-")
            k += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var significant = 0
        var fractionDigits = 0
        var sawPoint = false
        var exponent = 0
        var exact = true
        while k < j {
            let b = line[k]
            if b >= 48 && b <= 57 {
                digits += 1
                if significant > 0 || b != 48 { significant += 1 }
                if significant <= 19 {
                    mantissa = mantissa &* 10 &+ UInt64(b - 48)
                    if sawPoint { fractionDigits += 1 }
                } else {
                    exact = false
                    if !sawPoint { exponent += 1 }
                }
            } else if b == UInt8(ascii: ".") && !sawPoint {
                sawPoint = true
            } else {
                break
            }
            k += 1
        }
        guard digits > 0 else { return nil }
        if k < j {
            guard line[k] == UInt8(ascii: "e") || line[k] == UInt8(ascii: "E") else { return nil }
            k += 1
            var expNegative = false
            if k < j, line[k] == UInt8(ascii: "+") || line[k] == UInt8(ascii: "-") {
                expNegative = line[k] == UInt8(ascii: "-")
                k += 1
            }
            guard k < j else { return nil }
            var e = 0
            while k < j {
                let b = line[k]
                guard b >= 48, b <= 57 else { return nil }
                if e < 100_000 { e = e * 10 + Int(b - 48) }
                k += 1
            }
            exponent += expNegative ? -e : e
        }
        let power = exponent - fractionDigits
        // Clinger's fast path: both the mantissa and the power of ten are exact doubles, so one
        // multiplication or division rounds correctly.
        if exact, mantissa < (1 << 53), abs(power) <= 22 {
            let m = Double(mantissa)
            let value = power >= 0 ? m * powersOfTen[power] : m / powersOfTen[-power]
            return negative ? -value : value
        }
        return slowPath(line, i, j)
    }

    /// strtod on a bounded copy, for the rare long or extreme numbers (syntax already checked).
    static func slowPath(_ line: Line, _ i: Int, _ j: Int) -> Double? {
        guard j - i < 512 else { return nil }
        var bytes = [CChar](repeating: 0, count: j - i + 1)
        for k in i..<j { bytes[k - i] = CChar(bitPattern: line[k]) }
        return bytes.withUnsafeBufferPointer { buffer -> Double? in
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &end)
            guard let end, end - UnsafeMutablePointer(mutating: buffer.baseAddress!) == j - i else { return nil }
            return value
        }
    }

    static let powersOfTen: [Double] = (0...22).map { p in (0..<p).reduce(1.0) { acc, _ in acc * 10 } }
}
