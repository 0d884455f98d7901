import CostModel
import Foundation
import Yams

/// Walks a composed YAML document, collecting located issues instead of stopping at the first.
///
/// Values come back as optionals: nil means "absent or wrong", and in the wrong case an issue
/// naming the line, column and field has been recorded.
struct YAMLReader {
    package let file: String
    private(set) var issues: [ConfigIssue] = []
    /// Nodes visited so far; aliases can make a small file expand enormously, so we bound it.
    private var visited = 0
    static let maximumNodes = 200_000

    package init(file: String) { self.file = file }

    package mutating func report(_ node: Node?, _ field: String, _ message: String) {
        let mark = node?.mark
        issues.append(ConfigIssue(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, field: field, message: message))
    }

    /// Problems found in another file this one points to (they keep their own file and line).
    mutating func include(_ others: [ConfigIssue]) { issues += others }

    mutating func visit(_ node: Node, _ field: String) -> Bool {
        visited += 1
        if visited == Self.maximumNodes {
            report(node, field, "the document is too large (over \(Self.maximumNodes) values once aliases are expanded)")
        }
        return visited < Self.maximumNodes
    }

    /// The pairs of a mapping, keyed by their string key; reports unknown and repeated keys.
    mutating func mapping(_ node: Node, _ field: String, allowed: [String]) -> [String: (key: Node, value: Node)]? {
        guard visit(node, field) else { return nil }
        guard let mapping = node.mapping else {
            report(node, field, "expected a mapping of keys (\(allowed.joined(separator: ", "))), got \(Self.describe(node))")
            return nil
        }
        var out: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                report(key, field, "expected a plain key, got \(Self.describe(key))")
                continue
            }
            let keyField = field.isEmpty ? name : "\(field).\(name)"
            if !allowed.contains(name) {
                var message = "unknown key '\(Self.clip(name))'"
                if let guess = Self.closest(to: name, in: allowed) { message += "; did you mean '\(guess)'?" }
                message += " Allowed here: \(allowed.joined(separator: ", "))"
                report(key, keyField, message)
                continue
            }
            if out[name] != nil {
                report(key, keyField, "key '\(name)' appears more than once; keep one")
                continue
            }
            out[name] = (key, value)
        }
        return out
    }

    package mutating func sequence(_ node: Node, _ field: String, of what: String) -> [Node]? {
        guard visit(node, field) else { return nil }
        guard let seq = node.sequence else {
            report(node, field, "expected a list of \(what), got \(Self.describe(node))")
            return nil
        }
        return Array(seq)
    }

    package mutating func string(_ node: Node, _ field: String, maxLength: Int = 4096) -> String? {
        guard visit(node, field) else { return nil }
        guard let scalar = node.scalar, !(scalar.style == .plain && scalar.string.isEmpty) else {
            report(node, field, "expected text, got \(Self.describe(node))")
            return nil
        }
        guard scalar.string.utf8.count <= maxLength else {
            report(node, field, "is \(scalar.string.utf8.count) bytes long; at most \(maxLength) are allowed")
            return nil
        }
        return scalar.string
    }

    package mutating func bool(_ node: Node, _ field: String) -> Bool? {
        guard visit(node, field) else { return nil }
        if let scalar = node.scalar, scalar.style == .plain {
            switch scalar.string {
            case "true": return true
            case "false": return false
            default: break
            }
        }
        report(node, field, "expected true or false, got \(Self.describe(node))")
        return nil
    }

    package mutating func integer(_ node: Node, _ field: String, in range: ClosedRange<Int>) -> Int? {
        guard visit(node, field) else { return nil }
        guard let scalar = node.scalar, scalar.style == .plain, let value = Int(scalar.string) else {
            report(node, field, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \(Self.describe(node))")
            return nil
        }
        guard range.contains(value) else {
            report(node, field, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \(value)")
            return nil
        }
        return value
    }

    package mutating func number(_ node: Node, _ field: String) -> Double? {
        guard visit(node, field) else { return nil }
        guard let scalar = node.scalar, scalar.style == .plain, let value = Double(scalar.string), value.isFinite else {
            report(node, field, "expected a number, got \(Self.describe(node))")
            return nil
        }
        return value
    }

    /// An exact decimal, read from the text itself so 99.9 stays 99.9.
    package mutating func decimal(_ node: Node, _ field: String) -> Decimal? {
        guard visit(node, field) else { return nil }
        guard let scalar = node.scalar, scalar.style == .plain,
            let value = ExactDecimal.parse(scalar.string)
        else {
            report(node, field, "expected a number such as 99.9, got \(Self.describe(node))")
            return nil
        }
        return value
    }

    /// An IANA time zone name (`America/Chicago`, `UTC`), checked against the system's list.
    package mutating func timeZone(_ node: Node, _ field: String) -> TimeZone? {
        guard let name = string(node, field, maxLength: 64) else { return nil }
        guard let zone = TimeZone(identifier: name) else {
            report(node, field, "unknown time zone '\(Self.clip(name))'; use an IANA name such as America/Chicago or UTC")
            return nil
        }
        return zone
    }

    package mutating func duration(_ node: Node, _ field: String) -> ConfigDuration? {
        guard visit(node, field) else { return nil }
        guard let scalar = node.scalar, let value = ConfigDuration(parsing: scalar.string) else {
            report(
                node, field,
                "expected a duration such as 15s, 5m, 1h30m or 30d (units ms, s, m, h, d, w, y, largest first), got \(Self.describe(node))")
            return nil
        }
        return value
    }

    /// How a node looks to the user, for "expected X, got Y".
    package static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            if s.style == .plain && s.string.isEmpty { return "nothing" }
            return "'\(clip(s.string))'"
        }
    }

    /// Bounds user text quoted back in messages.
    package static func clip(_ text: String) -> String {
        let printable = text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : String($0) }.joined()
        return printable.count > 60 ? String(printable.prefix(57)) + "..." : printable
    }

    /// The allowed key nearest in edit distance, if it is near enough to be a typo.
    static func closest(to name: String, in allowed: [String]) -> String? {
        let best = allowed.map { ($0, editDistance(name, $0)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, name.count / 3) else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8.prefix(64)), b = Array(b.utf8.prefix(64))
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
