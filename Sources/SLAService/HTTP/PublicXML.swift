import Foundation

/// The public answers as XML: the same tree as the JSON, element per key (sorted), an element per
/// array item named for its list (`slos` holds `slo`s), nulls left out, every text escaped.
enum PublicXML {
    /// Item element names for the lists the answers have.
    static let itemNames = ["slos": "slo", "services": "service"]

    static func document(root: String, _ object: Any) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        element(root, object, into: &out)
        return out + "\n"
    }

    static func element(_ name: String, _ value: Any, into out: inout String) {
        switch value {
        case is NSNull:
            return
        case let dictionary as [String: Any]:
            out += "<\(name)>"
            for key in dictionary.keys.sorted() { element(key, dictionary[key]!, into: &out) }
            out += "</\(name)>"
        case let array as [Any]:
            out += "<\(name)>"
            for item in array { element(itemNames[name] ?? "item", item, into: &out) }
            out += "</\(name)>"
        default:
            out += "<\(name)>" + escape(text(value)) + "</\(name)>"
        }
    }

    static func text(_ value: Any) -> String {
        switch value {
        case let bool as Bool: return bool ? "true" : "false"
        case let double as Double: return double.isFinite ? "\(double)" : (double > 0 ? "INF" : double < 0 ? "-INF" : "NaN")
        case let string as String: return string
        default: return "\(value)"
        }
    }

    /// Escapes text for an element's content; characters XML 1.0 cannot carry become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                let allowed = (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || (0x10000...0x10FFFF).contains(v)
                out.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
            }
        }
        return out
    }
}
