import Foundation

/// What a service used over a stretch of time (a quarter hour, a day, a month), as exact
/// decimals: per measure, the quantity summed over its minutes, and how many minutes had data.
/// Usage read from the rollups as floats is converted to `Decimal` once, when a minute's value
/// is added (`add(_:_:)`); everything after is decimal arithmetic.
public struct Usage: Sendable, Equatable {
    /// What is measured, and in what it is summed.
    public enum Measure: String, Sendable, CaseIterable, Comparable {
        /// CPU cores used, summed over minutes: core-minutes.
        case cpu
        /// Resident memory in bytes, the minute's mean summed over minutes: byte-minutes.
        case memory
        /// Bytes stored, the minute's mean summed over minutes: byte-minutes.
        case storage
        /// Bytes sent out: bytes.
        case egress
        /// Requests served: requests.
        case requests
        /// Replicas running (targets up), summed over minutes: replica-minutes.
        case replicas

        public static func < (a: Measure, b: Measure) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
    }

    /// Per measure: the quantity summed over the minutes that had data.
    public private(set) var quantities: [Measure: Decimal] = [:]
    /// Per measure: the minutes that had data.
    public private(set) var minutes: [Measure: Int] = [:]

    public init() {}

    /// The largest figure one minute may bring (10^18: an exabyte, a billion billion CPU
    /// seconds). Above it a target reports nonsense (a counter of 1e300), and a month of such
    /// minutes times a rate would overflow a decimal's range (about 10^165).
    public static let largest = 1e18

    /// One minute's value of `measure` (divided by `divisor`, exactly: CPU seconds in a minute
    /// by 60 for cores): a float from the rollups, converted to a decimal here and
    /// only here (to 15 significant digits, what a double holds reliably; never via its binary
    /// expansion, so 0.1 is 0.1). Values that cannot be usage (not finite, negative, or above
    /// `largest`) are not counted: the minute counts as without data, and no sum can overflow.
    public mutating func add(_ measure: Measure, _ value: Double, dividedBy divisor: Decimal = 1) {
        guard value.isFinite, value >= 0, value <= Self.largest, let exact = Self.decimal(value) else { return }
        add(measure, divisor == 1 ? exact : exact / divisor, minutes: 1)
    }

    /// `quantity` over `minutes` minutes of data.
    public mutating func add(_ measure: Measure, _ quantity: Decimal, minutes count: Int) {
        quantities[measure, default: 0] += quantity
        minutes[measure, default: 0] += count
    }

    public static func + (a: Usage, b: Usage) -> Usage {
        var sum = a
        for (measure, quantity) in b.quantities { sum.add(measure, quantity, minutes: b.minutes[measure] ?? 0) }
        for (measure, count) in b.minutes where b.quantities[measure] == nil { sum.minutes[measure, default: 0] += count }
        return sum
    }

    public static func += (a: inout Usage, b: Usage) { a = a + b }

    /// A double as the shortest decimal that reads back as it (Swift's own `description`), so
    /// 0.1 becomes exactly 0.1 and 120 exactly 120.
    static func decimal(_ value: Double) -> Decimal? {
        Decimal(string: "\(value)", locale: Locale(identifier: "en_US_POSIX"))
    }
}
