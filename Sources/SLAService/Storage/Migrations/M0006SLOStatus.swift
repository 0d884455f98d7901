extension Migration {
    /// Every SLO evaluation, a row per SLO and minute, so what the page said at any past moment
    /// can be read back.
    static let m0006SLOStatus = Migration(
        version: 6,
        name: "slo status",
        statements: [
            """
            CREATE TABLE slo_status (
                service          text NOT NULL,
                slo              text NOT NULL,
                at               timestamptz NOT NULL,
                attainment       double precision,
                budget_remaining double precision,
                status           jsonb NOT NULL,
                PRIMARY KEY (service, slo, at)
            )
            """
        ]
    )
}
