import Foundation
import Widgets

/// The public answers as XML: the same tree as the JSON, element per key (sorted), an element per
/// array item named for its list (`slos` holds `slo`s), nulls left out, every text escaped
/// (characters XML 1.0 cannot carry are dropped).
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

    static func escape(_ text: String) -> String { HTMLText.escape(text) }
}
