/// One group's minutes of an hour, summed element by element as the SQL fold would:
/// increases and sums added in minute order (NaN: none yet), min and max, counts, the last
/// value of the newest minute and the newest time.
struct HourSums {
    package var increase = [Double](repeating: .nan, count: MinuteBlock.width)
    package var min = [Double](repeating: .nan, count: MinuteBlock.width)
    package var max = [Double](repeating: .nan, count: MinuteBlock.width)
    package var sum = [Double](repeating: .nan, count: MinuteBlock.width)
    package var count = [Int64](repeating: 0, count: MinuteBlock.width)
    package var last = [Double](repeating: 0, count: MinuteBlock.width)
    var lastAt = [Int64](repeating: .min, count: MinuteBlock.width)

    /// Adds one minute's block (blocks come in minute order).
    package mutating func add(
        increase i: [Double], min mn: [Double], max mx: [Double], sum sm: [Double], count c: [Int32], last l: [Double], lastAt la: [Int64]
    ) {
        let used = Swift.min(MinuteBlock.width, c.count, i.count, mn.count, mx.count, sm.count, l.count, la.count)
        for p in 0..<used where c[p] > 0 {
            if !i[p].isNaN { increase[p] = increase[p].isNaN ? i[p] : increase[p] + i[p] }
            if !mn[p].isNaN { min[p] = min[p].isNaN ? mn[p] : Swift.min(min[p], mn[p]) }
            if !mx[p].isNaN { max[p] = max[p].isNaN ? mx[p] : Swift.max(max[p], mx[p]) }
            if !sm[p].isNaN { sum[p] = sum[p].isNaN ? sm[p] : sum[p] + sm[p] }
            count[p] += Int64(c[p])
            last[p] = l[p]
            lastAt[p] = Swift.max(lastAt[p], la[p])
        }
    }

    /// The hour rows of the group's series with minutes, but those in `skipping`.
    package func append(to rows: inout RowColumns, group: Int64, hour: Int64, skipping: Set<Int64>) {
        for p in 0..<MinuteBlock.width where count[p] > 0 {
            let id = group << MinuteBlock.shift + Int64(p)
            guard !skipping.contains(id) else { continue }
            rows.append(
                id, hour, increase: increase[p].isNaN ? nil : increase[p], min: min[p].isNaN ? nil : min[p], max: max[p].isNaN ? nil : max[p],
                sum: sum[p].isNaN ? nil : sum[p], count: count[p], last: last[p], lastAt: lastAt[p])
        }
    }
}
