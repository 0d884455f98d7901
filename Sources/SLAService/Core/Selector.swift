/// A series selection as PromQL writes it: `claims_total{code!~"5..",path="/score"}`.
public struct Selector: Sendable, Equatable, CustomStringConvertible {
    public enum Operator: String, Sendable {
        case equal = "=", notEqual = "!=", matches = "=~", notMatches = "!~"
    }

    public struct Matcher: Sendable, Equatable {
        public var label: String
        public var op: Operator
        public var value: String

        public init(label: String, op: Operator, value: String) {
            self.label = label
            self.op = op
            self.value = value
        }
    }

    public var metric: String
    public var matchers: [Matcher]

    public init(metric: String, matchers: [Matcher] = []) {
        self.metric = metric
        self.matchers = matchers
    }

    /// The selector within one service's series: `job="<service>"` added unless it names a job.
    public func scoped(toJob service: String) -> Selector {
        guard !matchers.contains(where: { $0.label == "job" }) else { return self }
        var scoped = self
        scoped.matchers.append(Matcher(label: "job", op: .equal, value: service))
        return scoped
    }

    /// Why a selector could not be read, with the column (1-based) where it went wrong.
    public struct ParseError: UserFacing, Sendable, Equatable, CustomStringConvertible {
        public var column: Int
        public var message: String
        public var description: String { "column \(column): \(message)" }
    }

    /// Parses `metric{label op "value", ...}`; values take `\\`, `\"` and `\n` escapes.
    public init(parsing text: String) throws(ParseError) {
        let bytes = Array(text.utf8)
        guard bytes.count <= 4096 else { throw ParseError(column: 1, message: "a selector is at most 4096 characters") }
        var i = 0
        func skip() { while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 { i += 1 } }
        func name(colon: Bool) throws(ParseError) -> String {
            let start = i
            while i < bytes.count, MetricName.isNameByte(bytes[i], first: i == start, colon: colon) { i += 1 }
            guard i > start else { throw ParseError(column: i + 1, message: colon ? "expected a metric name" : "expected a label name") }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }
        skip()
        metric = try name(colon: true)
        matchers = []
        skip()
        if i < bytes.count, bytes[i] == UInt8(ascii: "{") {
            i += 1
            skip()
            while i < bytes.count, bytes[i] != UInt8(ascii: "}") {
                let label = try name(colon: false)
                skip()
                guard
                    let op = [Operator.matches, .notMatches, .notEqual, .equal].first(where: { candidate in
                        let spelled = Array(candidate.rawValue.utf8)
                        return i + spelled.count <= bytes.count && Array(bytes[i..<i + spelled.count]) == spelled
                    })
                else {
                    throw ParseError(column: i + 1, message: "expected =, !=, =~ or !~ after \(label)")
                }
                i += op.rawValue.utf8.count
                skip()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                    throw ParseError(column: i + 1, message: "expected a quoted value for \(label)")
                }
                let quote = bytes[i]
                i += 1
                var value: [UInt8] = []
                while i < bytes.count, bytes[i] != quote {
                    if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count {
                        i += 1
                        value.append(bytes[i] == UInt8(ascii: "n") ? 10 : bytes[i])
                    } else {
                        value.append(bytes[i])
                    }
                    i += 1
                }
                guard i < bytes.count else { throw ParseError(column: i + 1, message: "unterminated value for \(label)") }
                i += 1
                matchers.append(Matcher(label: label, op: op, value: String(decoding: value, as: UTF8.self)))
                skip()
                if i < bytes.count, bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    skip()
                } else if i < bytes.count, bytes[i] != UInt8(ascii: "}") {
                    throw ParseError(column: i + 1, message: "expected , or }")
                }
            }
            guard i < bytes.count else { throw ParseError(column: i + 1, message: "missing }") }
            i += 1
            skip()
        }
        guard i == bytes.count else { throw ParseError(column: i + 1, message: "unexpected text after the selector") }
    }

    public var description: String {
        guard !matchers.isEmpty else { return metric }
        let parts = matchers.map { m in
            "\(m.label)\(m.op.rawValue)\"" + m.value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return metric + "{" + parts.joined(separator: ",") + "}"
    }
}
