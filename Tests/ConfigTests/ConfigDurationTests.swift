import Testing

@testable import Config

@Suite("Durations as Prometheus writes them")
struct ConfigDurationTests {
    @Test(
        arguments: [
            ("15s", 15_000), ("5m", 300_000), ("1h30m", 5_400_000), ("30d", 2_592_000_000), ("250ms", 250),
            ("1w", 604_800_000), ("1y", 31_536_000_000), ("1m30s500ms", 90_500), ("0s", 0),
        ] as [(String, Int64)])
    func parses(_ text: String, milliseconds: Int64) {
        #expect(ConfigDuration(parsing: text)?.milliseconds == milliseconds)
    }

    @Test(arguments: ["", "15x", "15", "s", "1.5h", "30m1h", "1h1h", "-5s", "99999999999999999999y", "5 m", "1ms5s"])
    func refuses(_ text: String) {
        #expect(ConfigDuration(parsing: text) == nil)
    }

    @Test func printsTheShortestSpelling() {
        #expect(ConfigDuration(milliseconds: 5_400_000).description == "1h30m")
        #expect(ConfigDuration.days(30).description == "30d")
        #expect(ConfigDuration(milliseconds: 1_500).description == "1s500ms")
    }
}
