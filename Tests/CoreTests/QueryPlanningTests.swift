import Testing

@testable import Core

@Suite("Selectors, range plans and quantiles")
struct QueryPlanningTests {
    @Test func selectorsParseAsPromQLWritesThem() throws {
        let s = try Selector(parsing: #"claims_total{code!~"5..", path="/score",env!="dev",le=~'0\\.5|1'}"#)
        #expect(s.metric == "claims_total")
        #expect(s.matchers.map(\.op) == [.notMatches, .equal, .notEqual, .matches])
        #expect(s.matchers.map(\.value) == ["5..", "/score", "dev", #"0\.5|1"#])
        #expect(try Selector(parsing: "up").matchers.isEmpty)
        #expect(try Selector(parsing: s.description) == s)
    }

    @Test(arguments: [("claims_total{code=}", 19), ("{code=\"x\"}", 1), ("a{b~\"x\"}", 4), ("a{b=\"x\"", 8), ("a b", 3)])
    func badSelectorsSayWhere(_ text: String, column: Int) {
        #expect(throws: Selector.ParseError.self) { try Selector(parsing: text) }
        do { _ = try Selector(parsing: text) } catch { #expect(error.column == column, "\(error)") }
    }

    static let day: Int64 = 86_400_000, hour: Int64 = 3_600_000, minute: Int64 = 60_000
    static let d0: Int64 = 1_790_812_800_000  // 2026-10-01T00:00Z

    @Test func thirtyDaysReadDaysHoursAndMinutesAtTheEdges() {
        let from = Self.d0 + 5 * Self.hour + 17 * Self.minute
        let plan = RangePlan(from: from, to: from + 30 * Self.day)
        #expect(plan.days == [(Self.d0 + Self.day)..<(Self.d0 + 30 * Self.day)])
        #expect(
            plan.hours == [(Self.d0 + 6 * Self.hour)..<(Self.d0 + Self.day), (Self.d0 + 30 * Self.day)..<(Self.d0 + 30 * Self.day + 5 * Self.hour)])
        #expect(plan.minutes.count == 2)
        #expect(plan.rowsPerSeries == 29 + 18 + 5 + 43 + 17)
        // The cost stays flat however far back the range goes.
        #expect(RangePlan(from: from - 365 * Self.day, to: from - 335 * Self.day).rowsPerSeries <= 30 + 2 * 23 + 2 * 59)
    }

    @Test func shortRangesUseOnlyMinutesOrHours() {
        #expect(
            RangePlan(from: Self.d0 + 5 * Self.minute, to: Self.d0 + 50 * Self.minute).minutes == [
                (Self.d0 + 5 * Self.minute)..<(Self.d0 + 50 * Self.minute)
            ])
        let hours = RangePlan(from: Self.d0 + 2 * Self.hour, to: Self.d0 + 7 * Self.hour)
        #expect(hours.hours == [(Self.d0 + 2 * Self.hour)..<(Self.d0 + 7 * Self.hour)] && hours.minutes.isEmpty && hours.days.isEmpty)
        #expect(RangePlan(from: Self.d0, to: Self.d0) == RangePlan(from: 0, to: 0))
    }

    @Test func hoursAndDaysStillPendingAreReadFromTheLevelBelow() {
        // 30 days up to 10:20 on day 30; day 30 is pending (in progress), and its 09:00 hour too.
        let to = Self.d0 + 30 * Self.day + 10 * Self.hour + 20 * Self.minute
        let plan = RangePlan(from: Self.d0, to: to, hoursBefore: Self.d0 + 30 * Self.day + 9 * Self.hour, daysBefore: Self.d0 + 30 * Self.day)
        #expect(plan.days == [Self.d0..<(Self.d0 + 30 * Self.day)])
        #expect(plan.hours == [(Self.d0 + 30 * Self.day)..<(Self.d0 + 30 * Self.day + 9 * Self.hour)])
        #expect(plan.minutes == [(Self.d0 + 30 * Self.day + 9 * Self.hour)..<to])
        // A pending day earlier in the range is read from its hours, and the rest is unchanged.
        let early = RangePlan(from: Self.d0, to: Self.d0 + 3 * Self.day, daysBefore: Self.d0 + Self.day)
        #expect(early.days == [Self.d0..<(Self.d0 + Self.day)])
        #expect(early.hours == [(Self.d0 + Self.day)..<(Self.d0 + 3 * Self.day)])
        // Nothing before the range is complete: minutes throughout.
        #expect(RangePlan(from: Self.d0, to: Self.d0 + 2 * Self.hour, hoursBefore: 0).minutes == [Self.d0..<(Self.d0 + 2 * Self.hour)])
    }

    @Test func quantilesInterpolateAsHistogramQuantileDoes() {
        let buckets: [(le: Double, count: Double)] = [(100, 50), (250, 90), (400, 99), (.infinity, 100)]
        #expect(HistogramQuantile.quantile(0.5, buckets: buckets) == 100)
        #expect(HistogramQuantile.quantile(0.25, buckets: buckets) == 50)
        #expect(HistogramQuantile.quantile(0.7, buckets: buckets) == 175)
        #expect(HistogramQuantile.quantile(0.995, buckets: buckets) == 400)  // in +Inf: the highest finite bound
        #expect(HistogramQuantile.quantile(0.5, buckets: [(100, 5)]) == nil)  // no +Inf bucket
        #expect(HistogramQuantile.quantile(0.5, buckets: [(.infinity, 0)]) == nil)  // no observations
    }
}
