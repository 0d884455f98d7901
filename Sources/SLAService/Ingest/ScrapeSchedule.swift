/// When a target is checked, as a value: events in, the pause before the next check out. The
/// first check comes at a random point of the first interval (a hundred targets do not all fire
/// at once); each later one an interval after the last began, give or take 5 % (targets that
/// start together drift apart), never before the last has ended. No clock and no I/O: the
/// random source is injected, so a test drives it event by event.
package struct ScrapeSchedule<Random: RandomNumberGenerator> {
    package enum Event: Equatable {
        /// The check's loop starts.
        case started
        /// A check ended, having taken `elapsed`.
        case checked(elapsed: Duration)
        /// The server stops.
        case stopped
    }

    package enum Action: Equatable {
        /// Check again after this pause.
        case wait(Duration)
        /// Nothing more: the schedule has stopped.
        case stop
    }

    package let interval: Duration
    package private(set) var random: Random
    package private(set) var isStopped = false

    package init(interval: Duration, random: Random) {
        self.interval = interval
        self.random = random
    }

    package mutating func handle(_ event: Event) -> Action {
        guard !isStopped else { return .stop }
        let interval = Self.milliseconds(interval)
        switch event {
        case .started:
            return .wait(.milliseconds(Int64(unit() * interval)))
        case .checked(let elapsed):
            let jitter = (unit() * 0.1 - 0.05) * interval
            return .wait(.milliseconds(Int64(max(0, interval + jitter - Self.milliseconds(elapsed)))))
        case .stopped:
            isStopped = true
            return .stop
        }
    }

    /// A draw in [0, 1), from the top 53 bits of the random source.
    private mutating func unit() -> Double { Double(random.next() >> 11) * 0x1p-53 }

    private static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}

extension ScrapeSchedule where Random == SystemRandomNumberGenerator {
    /// The server's schedule: the system's random source.
    package init(interval: Duration) { self.init(interval: interval, random: SystemRandomNumberGenerator()) }
}
