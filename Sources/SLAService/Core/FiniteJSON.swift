import Foundation

/// JSON of a tree of plain values in which a figure that is not a finite number (NaN, ±Inf,
/// from data no one checked) is `null`: a figure that cannot be computed is unknown, never an
/// encoder error (`JSONSerialization` refuses them, and an empty answer or a failed write of
/// every SLO's history followed). The XML answers leave the same `null`s out.
public enum FiniteJSON {
    /// `object` with every non-finite Double replaced by `NSNull`.
    public static func sanitized(_ object: Any) -> Any {
        switch object {
        case let double as Double: return double.isFinite ? double : NSNull()
        case let dictionary as [String: Any]: return dictionary.mapValues(sanitized)
        case let array as [Any]: return array.map(sanitized)
        default: return object
        }
    }

    /// The JSON of `object`, sanitized.
    public static func data(_ object: Any, options: JSONSerialization.WritingOptions = [.sortedKeys]) throws -> Data {
        try JSONSerialization.data(withJSONObject: sanitized(object), options: options)
    }
}
