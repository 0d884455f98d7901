/// Rate cards the suites share.
public enum RateCards {
    /// The cost issue's worked example: USD in New York, CPU 0.04 then 0.05 from October 15th,
    /// memory 0.005 throughout.
    public static let workedExample = """
        id: test-2026
        agency: Test
        currency: USD
        time_zone: America/New_York
        periods:
          - effective_from: "2026-01-01"
            rates: {cpu_core_hour: "0.04", memory_gib_hour: "0.005"}
          - effective_from: "2026-10-15"
            rates: {cpu_core_hour: "0.05"}

        """
}
