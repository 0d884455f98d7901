/// What every public answer says of the snapshot behind it: when it was made and, when it is
/// stale (the database is away), how old it is; `starting` until the first evaluation.
package struct PublicHeader: Sendable, Equatable {
    /// RFC 3339 (UTC); nil before the first evaluation.
    package var generatedAt: String?
    package var stale: Bool
    package var ageSeconds: Int64?
    /// Present (true) only before the first evaluation: nothing is stale yet.
    package var starting: Bool

    package init(generatedAt: String?, stale: Bool, ageSeconds: Int64?, starting: Bool = false) {
        self.generatedAt = generatedAt
        self.stale = stale
        self.ageSeconds = ageSeconds
        self.starting = starting
    }

    /// Its fields, beside the document's own at the top level of the answer.
    var fields: [PublicField] {
        [("generated_at", generatedAt), ("stale", stale), ("age_seconds", ageSeconds)] + (starting ? [("starting", true)] : [])
    }
}

/// A field of a public answer: its name (`snake_case`, as the schemas write it) and its value
/// (nil is `null` in JSON, left out of XML).
package typealias PublicField = (name: String, value: any Encodable & Sendable)

/// A part of a public answer, written as its fields in order.
package protocol PublicFields: Encodable {
    var fields: [PublicField] { get }
}

extension PublicFields {
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: PublicKey.self)
        for field in fields { try container.encode(field.value, forKey: PublicKey(stringValue: field.name)) }
    }
}

/// A field of a public answer, by its name in the JSON and the XML (`snake_case`, as the
/// schemas write it).
package struct PublicKey: CodingKey {
    package var stringValue: String
    package var intValue: Int? { nil }
    package init(stringValue: String) { self.stringValue = stringValue }
    package init?(intValue: Int) { nil }
}

/// A figure as the answers show it: a number that is not finite is unknown (null in JSON,
/// left out of XML), never an encoding error.
func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
