import PostgresNIO

/// A statement whose shape depends on what is asked (a selector's matchers, the ranges a plan
/// reads, a fold level's tables). Its text is made of our own constants only; every value is
/// bound, and this numbers the binds in the order they are made. Statements of a fixed shape
/// use postgres-nio's interpolation (`"... WHERE key = \(key)"`) instead.
package struct SQLBuilder {
    package private(set) var text: String
    private var binds = PostgresBindings()

    package init(_ text: String = "") { self.text = text }

    /// Binds `value` and returns its placeholder (`$1`, `$2`, ...) to write into the text.
    package mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// Appends text of ours: never input, which goes through `bind`.
    package mutating func append(_ constant: String) { text += constant }

    package var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: binds) }
}
