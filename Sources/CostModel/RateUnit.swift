/// What a rate card prices, and in which unit its rate is written.
public enum RateUnit: String, Sendable, CaseIterable, Comparable {
    /// One CPU core used for one hour.
    case cpuCoreHour = "cpu_core_hour"
    /// One GiB (2^30 bytes) of memory held for one hour.
    case memoryGibHour = "memory_gib_hour"
    /// One GiB stored for a whole month (a part of a month pays its part, by minutes).
    case storageGibMonth = "storage_gib_month"
    /// One GiB sent out.
    case egressGib = "egress_gib"
    /// One million requests served.
    case requestsPerMillion = "requests_per_million"
    /// A flat amount per service and month, spread over the month's real minutes.
    case fixedMonthly = "fixed_monthly"

    /// The names a card may use, in the order they are listed.
    public static let names = allCases.map(\.rawValue)

    public static func < (a: RateUnit, b: RateUnit) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
