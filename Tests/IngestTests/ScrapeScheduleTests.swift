import Testing

@testable import Ingest

/// The scrape schedule, event by event, with a random source the test controls.
@Suite("Scrape schedule")
struct ScrapeScheduleTests {
    /// A random source that gives back what it is told: where in a range a draw lands, as a
    /// fraction of the range (0 its start, just under 1 its end).
    struct Scripted: RandomNumberGenerator {
        var fractions: [Double]
        mutating func next() -> UInt64 {
            let fraction = fractions.isEmpty ? 0.5 : fractions.removeFirst()
            return UInt64(min(fraction, 0.999_999) * 0x1p53) << 11
        }
    }

    /// Whether `action` waits `expected` milliseconds, to the millisecond (draws are floats).
    static func waits(_ action: ScrapeSchedule<Scripted>.Action, _ expected: Int64) -> Bool {
        guard case .wait(let pause) = action else { return false }
        let milliseconds = pause.components.seconds * 1000 + pause.components.attoseconds / 1_000_000_000_000_000
        return abs(milliseconds - expected) <= 1
    }

    @Test func theFirstCheckComesAnywhereInTheFirstInterval() {
        for (fraction, expected) in [(0.0, Int64(0)), (0.25, 3_750), (0.999, 14_985)] {
            var schedule = ScrapeSchedule(interval: .seconds(15), random: Scripted(fractions: [fraction]))
            #expect(Self.waits(schedule.handle(.started), expected), "at \(fraction) of the interval")
        }
    }

    @Test func laterChecksComeAnIntervalApartGiveOrTakeFivePercentLessTheirOwnTime() {
        // Jitter at the ends of its range (-5 %, +5 %) and in the middle (0).
        var schedule = ScrapeSchedule(interval: .seconds(15), random: Scripted(fractions: [0.5, 0, 1, 0.5]))
        _ = schedule.handle(.started)
        #expect(Self.waits(schedule.handle(.checked(elapsed: .milliseconds(200))), 14_250 - 200))
        #expect(Self.waits(schedule.handle(.checked(elapsed: .zero)), 15_750))
        #expect(Self.waits(schedule.handle(.checked(elapsed: .milliseconds(1_500))), 13_500))
    }

    @Test func aCheckLongerThanItsIntervalIsFollowedAtOnce() {
        var schedule = ScrapeSchedule(interval: .seconds(15), random: Scripted(fractions: []))
        _ = schedule.handle(.started)
        #expect(Self.waits(schedule.handle(.checked(elapsed: .seconds(20))), 0))
    }

    @Test func nothingComesAfterStopping() {
        var schedule = ScrapeSchedule(interval: .seconds(15), random: Scripted(fractions: []))
        _ = schedule.handle(.started)
        #expect(schedule.handle(.stopped) == .stop)
        #expect(schedule.isStopped)
        #expect(schedule.handle(.checked(elapsed: .zero)) == .stop)
        #expect(schedule.handle(.started) == .stop)
    }
}
