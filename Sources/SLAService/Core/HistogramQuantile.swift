/// `histogram_quantile` as PromQL computes it: find the bucket holding the q-th observation and
/// interpolate linearly inside it (the lowest bucket starts at 0 when its bound is positive).
public enum HistogramQuantile {
    /// `buckets` are (upper bound, cumulative count) pairs, any order; nil without a +Inf bucket,
    /// without observations, or where no finite answer exists (a bound of NaN or a count that is
    /// not finite is left out; an answer beyond the finite doubles is none: every page shows it
    /// as unknown, none traps on it).
    public static func quantile(_ q: Double, buckets: [(le: Double, count: Double)]) -> Double? {
        guard let value = interpolated(q, buckets: buckets.filter { !$0.le.isNaN && $0.count.isFinite && $0.count >= 0 }) else { return nil }
        return value.isFinite ? value : nil
    }

    package static func interpolated(_ q: Double, buckets: [(le: Double, count: Double)]) -> Double? {
        guard !q.isNaN else { return nil }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        var sorted = buckets.sorted { $0.le < $1.le }
        guard let last = sorted.last, last.le == .infinity, last.count > 0 else { return nil }
        // Counts must not decrease; a scrape can see them do so mid-update (PromQL fixes it up too).
        for i in sorted.indices.dropFirst() where sorted[i].count < sorted[i - 1].count { sorted[i].count = sorted[i - 1].count }
        let rank = q * last.count
        guard let index = sorted.firstIndex(where: { $0.count >= rank }) else { return nil }
        if index == sorted.count - 1 { return sorted.count >= 2 ? sorted[sorted.count - 2].le : nil }
        let upper = sorted[index].le
        if index == 0 && upper <= 0 { return upper }
        let lower = index == 0 ? 0 : sorted[index - 1].le
        let below = index == 0 ? 0 : sorted[index - 1].count
        let inBucket = sorted[index].count - below
        guard inBucket > 0 else { return upper }
        // The share of the bucket first: (upper - lower) * (rank - below) overflows for bounds
        // like 1e300 before the division would bring it back.
        return lower + (upper - lower) * ((rank - below) / inBucket)
    }
}
