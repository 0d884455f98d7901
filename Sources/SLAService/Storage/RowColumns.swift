import PostgresNIO

/// Rollup rows as columns, for one `INSERT ... SELECT FROM UNNEST` (NULL travels as NaN:
/// samples that are NaN never reach a row, so NaN means "none").
struct RowColumns {
    package var series: [Int64] = []
    package var buckets: [Int64] = []
    package var increase: [Double] = []
    package var min: [Double] = []
    package var max: [Double] = []
    package var sum: [Double] = []
    package var count: [Int64] = []
    package var last: [Double] = []
    var lastAt: [Int64] = []

    package mutating func append(
        _ id: Int64, _ bucket: Int64, increase: Double?, min: Double?, max: Double?, sum: Double?, count: Int64, last: Double, lastAt: Int64
    ) {
        series.append(id)
        buckets.append(bucket)
        self.increase.append(increase ?? .nan)
        self.min.append(min ?? .nan)
        self.max.append(max ?? .nan)
        self.sum.append(sum ?? .nan)
        self.count.append(count)
        self.last.append(last)
        self.lastAt.append(lastAt)
    }

    package func slice(_ range: Range<Int>) -> RowColumns {
        RowColumns(
            series: Array(series[range]), buckets: Array(buckets[range]), increase: Array(increase[range]), min: Array(min[range]),
            max: Array(max[range]), sum: Array(sum[range]), count: Array(count[range]), last: Array(last[range]),
            lastAt: Array(lastAt[range]))
    }

    /// `INSERT INTO table ... SELECT ... FROM UNNEST(...) AS t(s, b, i, mn, mx, sm, c, l, la)`
    /// followed by `then` (a WHERE and an ON CONFLICT: our constants, never input).
    package func insert(into table: String, then tail: String) -> PostgresQuery {
        var sql = SQLBuilder()
        let (s, b) = (sql.bind(PackedArray(series)), sql.bind(PackedArray(buckets)))
        let (i, mn, mx, sm) = (sql.bind(PackedArray(increase)), sql.bind(PackedArray(min)), sql.bind(PackedArray(max)), sql.bind(PackedArray(sum)))
        let (c, l, la) = (sql.bind(PackedArray(count)), sql.bind(PackedArray(last)), sql.bind(PackedArray(lastAt)))
        sql.append(
            """
            INSERT INTO \(table) (series_id, bucket, increase, min, max, sum, count, last, last_at)
            SELECT s, to_timestamp(b / 1000.0), NULLIF(i, 'NaN'), NULLIF(mn, 'NaN'), NULLIF(mx, 'NaN'), NULLIF(sm, 'NaN'), c, l,
                   to_timestamp(la / 1000.0)
            FROM UNNEST(\(s)::int8[], \(b)::int8[], \(i)::float8[], \(mn)::float8[], \(mx)::float8[], \(sm)::float8[], \(c)::int8[], \(l)::float8[], \(la)::int8[])
                 AS t(s, b, i, mn, mx, sm, c, l, la)
            \(tail)
            """)
        return sql.query
    }
}
