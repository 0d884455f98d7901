import Core
import NIOCore

/// One check's life: a scrape or probe, then the pause `ScrapeSchedule` gives, then the next,
/// until the server stops, on one event loop. A plain-http target's scrapes are each a chain of
/// callbacks on its connection's loop: the request written, the answer gathered by the channel's
/// handler, read, ingested (under the accumulator's lock), the next scrape scheduled. No task is
/// suspended or resumed on the way: at 200 targets, waking a task for each answer and each pause
/// was about a tenth of the collector's CPU. Only the first scrapes, which must wait for the
/// stored baselines, a redirect (AsyncHTTPClient's to follow), and the checks without a
/// connection of ours (https, files, probes: `TargetChecker.fetch`) leave the loop for a task
/// and come back to it.
///
/// `@unchecked Sendable`: everything it changes (`reader`, `recorder`, `timer`, `schedule`) is
/// touched only on its connection's event loop (`start` and `stop` hop there).
final class ScrapeCycle: @unchecked Sendable {
    package let check: TargetChecker.Check
    /// Our own HTTP/1.1 connection for plain-http targets; nil for the rest.
    package let connection: ScrapeConnection?
    package let checker: TargetChecker
    package let pipeline: IngestPipeline?
    package let eventLoop: any EventLoop
    /// A check under way in a task (no connection of ours), cancelled if the server stops.
    private var inFlight: Task<Void, Never>?
    private var reader: ScrapeReader
    private var recorder: TargetChecker.Recorder
    /// The next scrape, while one is waiting.
    private var timer: Scheduled<Void>?
    /// When the next scrape comes (and whether any will).
    private var schedule: ScrapeSchedule<SystemRandomNumberGenerator>
    private var stopped: Bool { schedule.isStopped }

    package init(check: TargetChecker.Check, connection: ScrapeConnection?, checker: TargetChecker, eventLoop: any EventLoop) {
        self.check = check
        self.connection = connection
        self.checker = checker
        self.eventLoop = connection?.eventLoop ?? eventLoop
        pipeline = checker.pipeline
        reader = ScrapeReader(targetLabels: TargetChecker.targetLabels(check), honorLabels: check.honorLabels)
        recorder = TargetChecker.Recorder(check: check, checker: checker)
        schedule = ScrapeSchedule(interval: check.interval.duration)
    }

    /// The first scrape comes at a random point of the first interval (`ScrapeSchedule`).
    package func start() {
        eventLoop.execute { self.follow(self.schedule.handle(.started)) }
    }

    /// Ends the cycle: no scrape starts after the returned future completes, and one under way
    /// is dropped (the connection closes under it). A server stopping is not a target down.
    package func stop() -> EventLoopFuture<Void> {
        eventLoop.submit {
            _ = self.schedule.handle(.stopped)
            self.timer?.cancel()
            self.timer = nil
            self.inFlight?.cancel()
            self.connection?.close()
        }
    }

    private func follow(_ action: ScrapeSchedule<SystemRandomNumberGenerator>.Action) {
        guard case .wait(let pause) = action else { return }
        timer = eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(pause.nanoseconds)) { self.scrape() }
    }

    private func scrape() {
        timer = nil
        guard !stopped else { return }
        let start = ContinuousClock.now
        guard let connection else { return checkInTask(since: start) }
        let startedAt = WallClock.now()
        connection.fetch(deadline: .now() + .nanoseconds(check.timeout.duration.nanoseconds)) { body in
            guard !self.stopped else { return }
            let (failure, observations, samples) = TargetChecker.observations(
                of: body, reader: &self.reader, startedAt: startedAt, since: start)
            guard let pipeline = self.pipeline else { return self.finish(failure: failure, samples: samples, dropped: .init(), since: start) }
            if let dropped = pipeline.ingestIfResumed(observations) {
                return self.finish(failure: failure, samples: samples, dropped: dropped, since: start)
            }
            // The first scrapes wait, off the loop, for the stored baselines.
            Task {
                let dropped = await pipeline.ingest(observations)
                self.eventLoop.execute { self.finish(failure: failure, samples: samples, dropped: dropped, since: start) }
            }
        }
    }

    /// A check without a connection of ours, in a task; its result comes back to the loop. The
    /// reader goes with it and comes back with what the check taught it.
    private func checkInTask(since start: ContinuousClock.Instant) {
        let (checker, check, taught) = (self.checker, self.check, self.reader)
        inFlight = Task {
            var reader = taught
            let (failure, samples, dropped) = await checker.fetch(check, reader: &reader)
            self.eventLoop.execute { [reader] in
                self.inFlight = nil
                self.reader = reader
                self.finish(failure: failure, samples: samples, dropped: dropped, since: start)
            }
        }
    }

    private func finish(failure: String?, samples: Int, dropped: MinuteAccumulator.Dropped, since start: ContinuousClock.Instant) {
        guard !stopped else { return }
        let elapsed = ContinuousClock.now - start
        recorder.record(failure: failure, samples: samples, dropped: dropped, elapsed: TargetChecker.seconds(elapsed))
        follow(schedule.handle(.checked(elapsed: elapsed)))
    }
}
