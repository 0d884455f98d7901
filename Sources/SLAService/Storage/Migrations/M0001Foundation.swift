extension Migration {
    /// Series identity and the three rollup levels every later feature reads.
    static let m0001Foundation = Migration(
        version: 1,
        name: "foundation",
        statements: [
            """
            CREATE TABLE series (
                id         bigserial PRIMARY KEY,
                metric     text NOT NULL,
                labels     jsonb NOT NULL DEFAULT '{}'::jsonb,
                kind       text NOT NULL CHECK (kind IN ('counter', 'gauge', 'histogram_bucket', 'untyped')),
                hash       bytea NOT NULL UNIQUE,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX series_metric ON series (metric)",
            """
            CREATE TABLE rollup_1m (
                series_id bigint NOT NULL REFERENCES series (id),
                bucket    timestamptz NOT NULL,
                increase  double precision,
                min       double precision,
                max       double precision,
                sum       double precision,
                count     bigint,
                last      double precision,
                PRIMARY KEY (series_id, bucket)
            )
            """,
            "CREATE TABLE rollup_1h (LIKE rollup_1m INCLUDING ALL)",
            "CREATE TABLE rollup_1d (LIKE rollup_1m INCLUDING ALL)",
            """
            CREATE TABLE scrape_targets (
                url          text PRIMARY KEY,
                service_id   text NOT NULL,
                last_scrape  timestamptz,
                last_error   text,
                lease_holder text,
                lease_until  timestamptz
            )
            """,
        ]
    )
}
