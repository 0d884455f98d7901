extension Migration {
    /// Per quarter hour, what each service used (CPU core-minutes, memory byte-minutes, ...) and
    /// in how many minutes, as exact decimals: months are priced from these, long after their
    /// minutes are pruned. A quarter hour, because every zone's midnight (where rates change)
    /// falls on one. Keyed by the usage's definition, as SLO tallies are.
    static let m0010CostUsage = Migration(
        version: 10,
        name: "cost usage",
        statements: [
            """
            CREATE TABLE cost_usage (
                key      text NOT NULL,
                bucket   timestamptz NOT NULL,
                measure  text NOT NULL,
                quantity numeric NOT NULL,
                minutes  integer NOT NULL,
                PRIMARY KEY (key, bucket, measure)
            )
            """,
            "CREATE INDEX cost_usage_bucket ON cost_usage (bucket)",
        ]
    )
}
