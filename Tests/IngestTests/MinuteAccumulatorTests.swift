import Testing

@testable import Core
@testable import Ingest

/// Per-minute rollups, event by event, with no clock and no database.
@Suite("Minute accumulator")
struct MinuteAccumulatorTests {
    static let claims = SeriesKey(metric: "claims_total", labels: [Label("code", "200")], kind: .counter)
    static let waiting = SeriesKey(metric: "hitl_tasks_waiting", labels: [], kind: .gauge)
    /// 2026-10-01T00:00:00Z in milliseconds.
    static let t0: Int64 = 1_790_812_800_000
    static func at(_ minute: Int64, _ second: Int64) -> Int64 { t0 + minute * 60_000 + second * 1000 }

    func increases(_ rows: [MinuteRow]) -> [Int64: Double?] {
        Dictionary(uniqueKeysWithValues: rows.map { (($0.minute - Self.t0) / 60_000, $0.increase) })
    }

    @Test func firstSampleIsABaselineAndLaterIncreasesLandInTheLaterMinute() {
        var acc = MinuteAccumulator(grace: 0)
        acc.observe(Self.claims, value: 100, at: Self.at(0, 10))
        acc.observe(Self.claims, value: 130, at: Self.at(0, 40))
        acc.observe(Self.claims, value: 150, at: Self.at(1, 10))
        let rows = acc.close(now: Self.at(2, 0))
        #expect(increases(rows) == [0: 30, 1: 20])
        #expect(rows.first { $0.minute == Self.t0 }?.count == 2)
    }

    /// Keys remember their slot in the accumulator that folded them last: a hint only. Two
    /// accumulators with the same key objects in different slots, and a forgotten series whose
    /// slot went to another, never mix two series' samples.
    @Test func slotHintsNeverMixSeries() {
        let a = SeriesKey(metric: "a_total", labels: [], kind: .counter)
        let b = SeriesKey(metric: "b_total", labels: [], kind: .counter)
        let c = SeriesKey(metric: "c_total", labels: [], kind: .counter)
        var first = MinuteAccumulator(grace: 0, baselineLifetime: 90_000)
        var second = MinuteAccumulator(grace: 0)
        second.observe(b, value: 0, at: Self.at(0, 0))
        first.observe(a, value: 0, at: Self.at(0, 0))
        second.observe(a, value: 0, at: Self.at(0, 0))
        first.observe(b, value: 0, at: Self.at(0, 0))
        for step in 1...3 {
            first.observe(a, value: Double(step), at: Self.at(0, Int64(step)))
            second.observe(a, value: Double(step * 100), at: Self.at(0, Int64(step)))
            first.observe(b, value: Double(step * 10), at: Self.at(0, Int64(step)))
            second.observe(b, value: Double(step * 1000), at: Self.at(0, Int64(step)))
        }
        func byName(_ rows: [MinuteRow]) -> [String: Double] {
            Dictionary(uniqueKeysWithValues: rows.map { ($0.series.metric, $0.increase ?? -1) })
        }
        #expect(byName(first.close(now: Self.at(1, 0))) == ["a_total": 3, "b_total": 30])
        #expect(byName(second.close(now: Self.at(1, 0))) == ["a_total": 300, "b_total": 3000])
        // `a` unseen long enough is forgotten; `c` takes its slot; `a` comes back as a new baseline.
        first.observe(b, value: 40, at: Self.at(2, 0))
        #expect(byName(first.close(now: Self.at(3, 0))) == ["b_total": 10])
        first.observe(c, value: 5, at: Self.at(3, 10))
        first.observe(a, value: 50, at: Self.at(3, 20))
        first.observe(c, value: 7, at: Self.at(3, 30))
        first.observe(a, value: 58, at: Self.at(3, 40))
        #expect(byName(first.close(now: Self.at(4, 0))) == ["a_total": 8, "c_total": 2])
        #expect(first.keys.count == 3)
    }

    /// A minute most series reach keeps its cells in an array by slot, a quiet one in a
    /// dictionary; the rows are the same either way, in the order the series first came.
    @Test(arguments: [10, 2_000]) func busyAndQuietMinutesGiveTheSameRows(series count: Int) throws {
        let counters = (0..<count).map { SeriesKey(metric: "c\($0)_total", labels: [], kind: .counter) }
        let gauges = (0..<count).map { SeriesKey(metric: "g\($0)", labels: [], kind: .gauge) }
        var acc = MinuteAccumulator(grace: 0)
        for (second, step) in [(10, 1.0), (40, 3.0), (70, 6.0)] {
            for i in 0..<count {
                acc.observe(counters[i], value: Double(i) * step, at: Self.at(0, Int64(second)))
                acc.observe(gauges[i], value: Double(i) + step, at: Self.at(0, Int64(second)))
            }
        }
        #expect(acc.minutes.map(\.isDense) == [count >= MinuteCells.denseFrom, count >= MinuteCells.denseFrom])
        let taken = acc.takeClosed(now: Self.at(2, 0))
        // Series that come after the minutes were taken out change nothing in their rows.
        for i in 0..<10 { acc.observe(SeriesKey(metric: "late\(i)", labels: [], kind: .gauge), value: 1, at: Self.at(2, 1)) }
        let rows = taken.rows()
        #expect(rows.count == 4 * count)
        let minute0 = rows.prefix(2 * count), minute1 = rows.suffix(2 * count)
        #expect(minute0.allSatisfy { $0.minute == Self.t0 } && minute1.allSatisfy { $0.minute == Self.t0 + 60_000 })
        for i in 0..<count {
            let counter = minute0[minute0.startIndex + 2 * i], gauge = minute0[minute0.startIndex + 2 * i + 1]
            #expect(counter.series == counters[i] && gauge.series == gauges[i])
            #expect(counter.increase == Double(i) * 2)
            #expect((gauge.min, gauge.max, gauge.sum, gauge.count, gauge.last) == (Double(i) + 1, Double(i) + 3, Double(2 * i) + 4, 2, Double(i) + 3))
            let later = minute1[minute1.startIndex + 2 * i]
            #expect(later.increase == Double(i) * 3 && later.count == 1)
        }
    }

    /// A sample far ahead of the others opens its minute without an array for every series.
    @Test func aSampleFarAheadOpensAQuietMinute() {
        var acc = MinuteAccumulator(grace: 0)
        for i in 0..<1_000 { acc.observe(SeriesKey(metric: "g\(i)", labels: [], kind: .gauge), value: 1, at: Self.at(0, 0)) }
        acc.observe(Self.waiting, value: 3, at: Self.at(500_000, 0))
        #expect(acc.minutes.map(\.isDense) == [true, false])
        #expect(acc.close(now: Self.at(1, 0)).count == 1_000)
        #expect(acc.minutes.count == 1)
    }

    @Test func aDropIsAResetAndTheNewValueIsTheIncrease() {
        var acc = MinuteAccumulator(grace: 0)
        acc.observe(Self.claims, value: 1000, at: Self.at(0, 0))
        acc.observe(Self.claims, value: 1010, at: Self.at(0, 30))
        acc.observe(Self.claims, value: 4, at: Self.at(1, 0))  // restarted: 4 new events
        acc.observe(Self.claims, value: 9, at: Self.at(1, 30))
        #expect(increases(acc.close(now: Self.at(2, 0))) == [0: 10, 1: 9])
    }

    @Test func afterAGapTheWholeIncreaseLandsInTheFirstMinuteBack() {
        var acc = MinuteAccumulator(grace: 0)
        acc.observe(Self.claims, value: 10, at: Self.at(0, 0))
        acc.observe(Self.claims, value: 70, at: Self.at(5, 0))
        #expect(increases(acc.close(now: Self.at(6, 0))) == [0: nil, 5: 60])
    }

    @Test func replayedAndOutOfOrderSamplesCountNothing() {
        var acc = MinuteAccumulator(grace: 0)
        acc.observe(Self.claims, value: 10, at: Self.at(0, 0))
        acc.observe(Self.claims, value: 20, at: Self.at(0, 30))
        acc.observe(Self.claims, value: 20, at: Self.at(0, 30))
        acc.observe(Self.claims, value: 15, at: Self.at(0, 20))
        #expect(increases(acc.close(now: Self.at(1, 0))) == [0: 10])
    }

    @Test func gaugesKeepMinMaxSumCountLast() throws {
        var acc = MinuteAccumulator(grace: 0)
        for (second, value) in [(0, 5.0), (15, 9), (30, 2), (45, 4)] {
            acc.observe(Self.waiting, value: value, at: Self.at(0, Int64(second)))
        }
        let row = try #require(acc.close(now: Self.at(1, 0)).first)
        #expect(row.increase == nil)
        #expect((row.min, row.max, row.sum, row.count, row.last) == (2, 9, 20, 4, 4))
    }

    @Test func minutesStayOpenForTheGraceThenClose() {
        var acc = MinuteAccumulator(grace: 20_000)
        acc.observe(Self.claims, value: 1, at: Self.at(0, 50))
        acc.observe(Self.claims, value: 2, at: Self.at(0, 59))
        #expect(acc.close(now: Self.at(1, 10)).isEmpty)  // 10 s after the minute: still open
        acc.observe(Self.claims, value: 5, at: Self.at(0, 59) + 500)  // a late scrape still counts
        #expect(increases(acc.close(now: Self.at(1, 20))) == [0: 4])
    }

    @Test func aCounterSampleForAClosedMinuteGoesToTheNextOpenMinute() {
        var acc = MinuteAccumulator(grace: 0)
        acc.observe(Self.claims, value: 1, at: Self.at(0, 0))
        #expect(increases(acc.close(now: Self.at(1, 0))) == [0: nil])
        acc.observe(Self.claims, value: 3, at: Self.at(0, 50))  // arrives after minute 0 closed
        acc.observe(Self.waiting, value: 1, at: Self.at(0, 30))  // a gauge for a closed minute is dropped
        #expect(acc.lateSamples == 1)
        #expect(increases(acc.close(now: Self.at(2, 0))) == [1: 2])
    }

    /// A sample stamped past the limit (a target whose clock is wrong) is dropped and counted:
    /// kept, it would be the series' baseline, and every sample before its time would then be
    /// ignored as a replay.
    @Test func samplesStampedPastTheLimitAreDroppedAndDoNotStopTheSeries() {
        var acc = MinuteAccumulator(grace: 0)
        let limit = Self.at(1, 0)
        let observed = { (value: Double, at: Int64) in SampleMapper.Observation(series: Self.claims, value: value, at: at) }
        #expect(acc.observe([observed(100, Self.at(0, 0)), observed(1_000_000, Self.at(90, 0))], notAfter: limit).ahead == 1)
        #expect(acc.observe([observed(110, Self.at(0, 30)), observed(120, limit)], notAfter: limit).total == 0)
        #expect(acc.aheadSamples == 1)
        #expect(increases(acc.close(now: Self.at(100, 0))) == [0: 10, 1: 10])
    }

    @Test func seededBaselineResumesAfterARestart() {
        var acc = MinuteAccumulator(grace: 0)
        acc.seed(Self.claims, value: 500, at: Self.at(0, 30))
        acc.observe(Self.claims, value: 512, at: Self.at(1, 0))
        #expect(increases(acc.close(now: Self.at(2, 0))) == [1: 12])
    }

    @Test func nanSamplesAreSkipped() {
        var acc = MinuteAccumulator(grace: 0)
        acc.observe(Self.claims, value: 1, at: Self.at(0, 0))
        acc.observe(Self.claims, value: .nan, at: Self.at(0, 10))
        acc.observe(Self.claims, value: 3, at: Self.at(0, 20))
        #expect(increases(acc.close(now: Self.at(1, 0))) == [0: 2])
    }

    @Test func canonicalFormIsStableAndEscaped() {
        let a = SeriesKey(metric: "m", labels: [Label("b", "x\"y"), Label("a", "1\n")], kind: .counter)
        #expect(a.canonical == #"m{a="1\n",b="x\"y"}"#)
        #expect(a.hash.count == 32)
    }
}

/// The import's accumulator makes exactly the rows the collector's makes of the same samples.
@Suite("Ordered accumulator")
struct OrderedAccumulatorTests {
    typealias T = MinuteAccumulatorTests

    @Test func seriesBySeriesGivesTheRowsTheCollectorWouldHaveWritten() {
        var generator = SystemRandomNumberGenerator()
        let series = [
            T.claims, T.waiting, SeriesKey(metric: "lat_bucket", labels: [Label("le", "0.5")], kind: .histogramBucket),
            SeriesKey(metric: "fed", labels: [], kind: .untyped),
        ]
        // Two hours of samples every 7 to 23 seconds, counters resetting now and then.
        var samples: [(SeriesKey, Double, Int64)] = []
        for key in series {
            var value = Double.random(in: 0...100, using: &generator)
            var at = T.t0 + Int64.random(in: 0...5_000, using: &generator)
            while at < T.t0 + 7_200_000 {
                value = Int.random(in: 0..<30, using: &generator) == 0 ? 0 : value + Double.random(in: 0...9, using: &generator)
                samples.append((key, value, at))
                at += Int64.random(in: 7_000...23_000, using: &generator)
            }
        }
        // The collector sees them interleaved in time; the import series by series.
        var live = MinuteAccumulator(grace: 0)
        for (key, value, at) in samples.sorted(by: { $0.2 < $1.2 }) { live.observe(key, value: value, at: at) }
        let expected = live.close(now: T.t0 + 8_000_000)
        var ordered = OrderedAccumulator()
        var rows: [MinuteRow] = []
        for (index, (key, value, at)) in samples.enumerated() {
            ordered.observe(key, value: value, at: at)
            if index % 50 == 0 { rows += ordered.takeReady() }
        }
        rows += ordered.takeAll()
        let order: (MinuteRow, MinuteRow) -> Bool = { ($0.series.metric, $0.minute) < ($1.series.metric, $1.minute) }
        #expect(rows.sorted(by: order) == expected.sorted(by: order))
        #expect(ordered.outOfOrder == 0)
    }

    @Test func repeatedAndOlderSamplesAreCountedAndSkipped() {
        var ordered = OrderedAccumulator()
        ordered.observe(T.waiting, value: 1, at: T.at(0, 10))
        ordered.observe(T.waiting, value: 2, at: T.at(0, 10))
        ordered.observe(T.waiting, value: 3, at: T.at(0, 5))
        ordered.observe(T.waiting, value: 4, at: T.at(1, 0))
        #expect(ordered.outOfOrder == 2)
        let rows = ordered.takeAll()
        #expect(rows.map(\.count) == [1, 1] && rows.map(\.last) == [1, 4])
    }
    /// A backlog stamped hours back (remote-write after an outage): its minutes close at once,
    /// and their rows are made, though the series is older than the baseline lifetime (the
    /// fuzzer found its slot freed before its rows were made: a silent loss).
    @Test func aBacklogOlderThanTheBaselineLifetimeKeepsItsRows() {
        var acc = MinuteAccumulator(grace: 0)
        let start = MinuteAccumulatorTests.at(0, 0)
        for i in 0..<20 { acc.observe(MinuteAccumulatorTests.claims, value: Double(i * 10), at: start + Int64(i) * 15_000) }
        let rows = acc.close(now: start + 7 * 3_600_000)
        #expect(rows.count == 5)
        #expect(rows.compactMap(\.increase).reduce(0, +) == 190)
    }

    /// Times no clock gives (Int64's ends, before 1970, past 9999) and series storage cannot
    /// keep are dropped and counted, whatever entry they came from: none traps, none is kept.
    @Test func impossibleTimesAndUnstorableSeriesAreDroppedAndCounted() {
        var acc = MinuteAccumulator(grace: 0)
        let nul = SeriesKey(metric: "c", labels: [Label("v", "a\u{0}b")], kind: .counter)
        let observed = { (series: SeriesKey, at: Int64) in SampleMapper.Observation(series: series, value: 1, at: at) }
        let dropped = acc.observe(
            [
                observed(MinuteAccumulatorTests.claims, .min), observed(MinuteAccumulatorTests.claims, -1),
                observed(MinuteAccumulatorTests.claims, SampleTime.latest + 1),
                observed(nul, MinuteAccumulatorTests.at(0, 0)), observed(nul, MinuteAccumulatorTests.at(0, 5)),
                observed(MinuteAccumulatorTests.claims, MinuteAccumulatorTests.at(0, 1)),
            ], notAfter: .max)
        #expect(dropped.outOfRange == 3)
        #expect(dropped.refused == 2)
        #expect(dropped.refusal?.contains("label v of c holds a NUL character") == true)
        #expect(acc.states.keys.map(\.metric) == ["claims_total"])
        acc.seed(MinuteAccumulatorTests.claims, value: 1, at: .min)  // a stored time out of range is no baseline
        #expect(acc.states[MinuteAccumulatorTests.claims]?.baseline?.at == MinuteAccumulatorTests.at(0, 1))
        var ordered = OrderedAccumulator()
        #expect(ordered.observe(MinuteAccumulatorTests.claims, value: 1, at: .min) != nil)
        #expect(ordered.observe(nul, value: 1, at: MinuteAccumulatorTests.at(0, 0))?.contains("NUL") == true)
        #expect(ordered.seriesCount == 0)
    }

    @Test(
        arguments: [
            ("ok", [Label("a", "b")], nil),
            ("", [], "the metric name is empty"),
            ("m\u{0}", [], "the metric name (m?) holds a NUL character"),
            ("m", [Label("", "v")], "a label name of m is empty"),
            ("m", [Label("a\u{0}", "v")], "holds a NUL character"),
            ("m", [Label("a", String(repeating: "v", count: 4097))], "label a of m is 4097 bytes long; at most 4096 are kept"),
            ("m", (0..<65).map { Label("l\($0)", "v") }, "m has 65 labels; at most 64 are kept"),
            (String(repeating: "m", count: 257), [], "is 257 bytes long; at most 256 are kept"),
            ("m", [Label("a", "1"), Label("a", "2")], "label a appears twice on m"),
            ("m", [Label("__x", "1")], "label __x of m is reserved"),
        ] as [(String, [Label], String?)])
    func seriesLimitsSayWhatIsWrong(_ metric: String, _ labels: [Label], _ problem: String?) {
        let found = SeriesLimits.standard.problem(metric: metric, labels: labels)
        if let problem { #expect(found?.contains(problem) == true, "\(found ?? "nil")") } else { #expect(found == nil) }
    }

    /// A source with a budget adds at most so many new series per call and per minute; series
    /// it already has go on being taken, and scrapes (no source) are not counted.
    @Test func aSourceAddsNewSeriesWithinItsBudget() {
        var acc = MinuteAccumulator(grace: 0)
        let budget = NewSeriesBudget(perRequest: 3, perMinute: 5)
        let at = MinuteAccumulatorTests.at(0, 0)
        func batch(_ names: Range<Int>) -> [SampleMapper.Observation] {
            names.map { SampleMapper.Observation(series: SeriesKey(metric: "s\($0)", labels: [], kind: .gauge), value: 1, at: at) }
        }
        let first = acc.observe(batch(0..<10), source: "remote_write", budget: budget, now: at)
        #expect(first.refused == 7)
        #expect(first.refusal?.contains("new_series_per_request") == true)
        #expect(acc.observe(batch(0..<10), source: "remote_write", budget: budget, now: at).refused == 5, "2 more this minute")
        #expect(acc.observe(batch(0..<5), source: "remote_write", budget: budget, now: at).refused == 0, "known series are taken")
        #expect(acc.observe(batch(10..<13), source: "remote_write", budget: budget, now: at + 60_000).refused == 0, "a new minute")
        #expect(acc.observe(batch(20..<40)).refused == 0, "scrapes are not budgeted")
    }
}
