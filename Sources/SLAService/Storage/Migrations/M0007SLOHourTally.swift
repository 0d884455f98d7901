extension Migration {
    /// Per-hour tallies of each SLI (good and total events, slices, good slices, sum of slice
    /// ratios), so long windows of time slices read hours, not every minute.
    static let m0007SLOHourTally = Migration(
        version: 7,
        name: "slo hour tally",
        statements: [
            """
            CREATE TABLE slo_hour_tally (
                key         text NOT NULL,
                hour        timestamptz NOT NULL,
                good        double precision NOT NULL,
                total       double precision NOT NULL,
                slices      bigint NOT NULL,
                good_slices bigint NOT NULL,
                ratio_sum   double precision NOT NULL,
                PRIMARY KEY (key, hour)
            )
            """,
            "CREATE INDEX slo_hour_tally_hour ON slo_hour_tally (hour)",
        ]
    )
}
