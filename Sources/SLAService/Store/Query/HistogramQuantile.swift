/// `histogram_quantile` as PromQL computes it: find the bucket holding the q-th observation and
/// interpolate linearly inside it (the lowest bucket starts at 0 when its bound is positive).
public enum HistogramQuantile {
    /// `buckets` are (upper bound, cumulative count) pairs, any order; nil without a +Inf bucket
    /// or without observations.
    public static func quantile(_ q: Double, buckets: [(le: Double, count: Double)]) -> Double? {
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
        return lower + (upper - lower) * (rank - below) / inBucket
    }
}
