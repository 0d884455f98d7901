import AsyncHTTPClient
import Config
import Core
import CoreMetrics
import Exposition
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The collector's heartbeat: fetches every scrape target and probe on its interval (with jitter,
/// so targets do not fire together), and records `hms_target_up` and
/// `hms_target_duration_seconds` per target, and `hms_samples_ingested_total` per service, on
/// the server's own metrics.
public struct TargetChecker: Service {
    /// One URL to fetch on a schedule.
    public struct Check: Sendable, Equatable {
        public var service: String
        public var kind: String  // "scrape" or "probe"
        public var url: String
        public var interval: ConfigDuration
        public var timeout: ConfigDuration
        public var expectStatus: [Int]
        public var bodyContains: String?
        public var honorLabels = false
    }

    public var checks: [Check]
    public var metrics: any MetricsFactory
    public var pipeline: IngestPipeline?
    public var logger: Logger

    public init(config: HMSConfig, metrics: any MetricsFactory, pipeline: IngestPipeline? = nil, logger: Logger) {
        var checks: [Check] = []
        for service in config.services {
            for url in service.targets {
                checks.append(
                    .init(
                        service: service.id, kind: "scrape", url: url, interval: config.scrapeInterval,
                        timeout: config.scrapeTimeout, expectStatus: [], bodyContains: nil))
            }
            for probe in service.probes {
                checks.append(
                    .init(
                        service: service.id, kind: "probe", url: probe.url, interval: probe.interval,
                        timeout: probe.timeout, expectStatus: probe.expectStatus, bodyContains: probe.bodyContains))
            }
        }
        self.checks = checks
        self.metrics = metrics
        self.pipeline = pipeline
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            // Every check is a cycle on an event loop: plain-http targets on their connection's,
            // the rest (https, files, probes) on one of the shared group's, in a task per check.
            let cycles = checks.map { check in
                ScrapeCycle(
                    check: check, connection: check.kind == "scrape" ? ScrapeConnection(url: check.url) : nil, checker: self,
                    eventLoop: MultiThreadedEventLoopGroup.singleton.next())
            }
            // Runs until the server stops, even with nothing to check (a service fed only by
            // pushes, remote-write or imports is normal).
            for cycle in cycles { cycle.start() }
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3_600)) }
            // Stopped on their loops: nothing of theirs runs after this returns.
            for cycle in cycles { try? await cycle.stop().get() }
        }
    }

    /// What a check's results leave on the server's own metrics and log: `hms_target_up`,
    /// `hms_target_duration_seconds`, samples ingested and dropped (by reason), and a line when
    /// the target goes down or up, its clock runs ahead, or it sends series that cannot be
    /// stored (once per change, not per check). One per check.
    struct Recorder {
        package let check: Check
        package let logger: Logger
        package let metrics: any MetricsFactory
        package let ingested: Counter
        /// `hms_samples_dropped_total` by reason: ahead of the clock, a time outside
        /// `SampleTime`, a series `SeriesLimits` refuses.
        package let dropped: (ahead: Counter, outOfRange: Counter, refused: Counter)
        package let dimensions: [(String, String)]
        // Created on the first result, so no target reads "down" before it was ever checked.
        package var gauges: (up: Gauge, duration: Gauge)?
        var wasUp: Bool?
        var wasAhead = false
        var wasRefused = false

        package init(check: Check, checker: TargetChecker) {
            self.check = check
            logger = checker.logger
            metrics = checker.metrics
            ingested = Counter(label: "hms_samples_ingested_total", dimensions: [("service", check.service), ("source", "scrape")], factory: metrics)
            let factory = checker.metrics
            func droppedCounter(_ reason: String) -> Counter {
                Counter(label: "hms_samples_dropped_total", dimensions: [("service", check.service), ("reason", reason)], factory: factory)
            }
            dropped = (droppedCounter("ahead_of_clock"), droppedCounter("out_of_range"), droppedCounter("invalid_series"))
            dimensions = [("service", check.service), ("kind", check.kind), ("instance", TargetChecker.instance(check.url))]
        }

        mutating func record(failure: String?, samples: Int, dropped: MinuteAccumulator.Dropped, elapsed: Double) {
            if samples > dropped.total { ingested.increment(by: Int64(samples - dropped.total)) }
            if dropped.ahead > 0 { self.dropped.ahead.increment(by: Int64(dropped.ahead)) }
            if dropped.outOfRange > 0 { self.dropped.outOfRange.increment(by: Int64(dropped.outOfRange)) }
            if dropped.refused > 0 { self.dropped.refused.increment(by: Int64(dropped.refused)) }
            if (dropped.ahead + dropped.outOfRange > 0) != wasAhead {
                wasAhead = dropped.ahead + dropped.outOfRange > 0
                if wasAhead {
                    logger.warning(
                        "samples stamped ahead of this server's clock (or outside 1970-9999) were dropped; check the target's clock",
                        metadata: [
                            "url": "\(RedactedURL.text(check.url))", "service": "\(check.service)",
                            "samples": "\(dropped.ahead + dropped.outOfRange)",
                            "limit": "\(IngestPipeline.maximumAhead / 60_000) minutes ahead",
                        ])
                } else {
                    logger.info("samples no longer stamped ahead of this server's clock", metadata: ["url": "\(RedactedURL.text(check.url))"])
                }
            }
            if (dropped.refused > 0) != wasRefused {
                wasRefused = dropped.refused > 0
                if let refusal = dropped.refusal {
                    logger.warning(
                        "samples of series that cannot be stored were dropped",
                        metadata: [
                            "url": "\(RedactedURL.text(check.url))", "service": "\(check.service)", "samples": "\(dropped.refused)",
                            "first": "\(refusal)",
                        ])
                } else {
                    logger.info("no more samples of series that cannot be stored", metadata: ["url": "\(RedactedURL.text(check.url))"])
                }
            }
            let (up, duration) =
                gauges ?? (
                    Gauge(label: "hms_target_up", dimensions: dimensions, factory: metrics),
                    Gauge(label: "hms_target_duration_seconds", dimensions: dimensions, factory: metrics)
                )
            gauges = (up, duration)
            up.record(failure == nil ? 1 : 0)
            duration.record(elapsed)
            let isUp = failure == nil
            if wasUp != isUp {
                if let failure {
                    logger.warning(
                        "target down", metadata: ["url": "\(RedactedURL.text(check.url))", "service": "\(check.service)", "reason": "\(failure)"])
                } else if wasUp != nil {
                    logger.info("target up again", metadata: ["url": "\(RedactedURL.text(check.url))", "service": "\(check.service)"])
                }
                wasUp = isUp
            }
        }
    }

    /// The labels every series of a check carries, as Prometheus names them.
    package static func targetLabels(_ check: Check) -> [Label] {
        check.kind == "scrape"
            ? [Label("instance", instance(check.url)), Label("job", check.service)]
            : [Label("instance", RedactedURL.text(check.url)), Label("job", check.service)]
    }

    /// Why the check failed (nil when it passed), how many samples went to the pipeline, and how
    /// many of those it dropped as stamped too far ahead (`IngestPipeline.maximumAhead`);
    /// `reader` keeps what this check's earlier scrapes make cheap to read again.
    func fetch(_ check: Check, reader: inout ScrapeReader) async -> (failure: String?, samples: Int, dropped: MinuteAccumulator.Dropped) {
        let clock = ContinuousClock()
        let start = clock.now
        let startedAt = WallClock.now()
        if check.kind == "scrape" {
            let body: Result<ExpositionSource.Body, IngestError>
            do throws(IngestError) { body = .success(try await ExpositionSource.load(check.url, timeout: check.timeout.duration)) } catch {
                body = .failure(error)
            }
            let (failure, observations, samples) = Self.observations(of: body, reader: &reader, startedAt: startedAt, since: start)
            let dropped = await pipeline?.ingest(observations) ?? .init()
            return (failure, samples, dropped)
        }
        let outcome = await probe(check)
        let probeLabels = reader.targetLabels
        await pipeline?.ingest([
            .init(series: SeriesKey(metric: "probe_success", labels: probeLabels, kind: .gauge), value: outcome == nil ? 1 : 0, at: startedAt),
            .init(
                series: SeriesKey(metric: "probe_duration_seconds", labels: probeLabels, kind: .gauge), value: Self.seconds(clock.now - start),
                at: startedAt),
        ])
        return (outcome, 0, .init())
    }

    /// A scrape's observations: its samples (none if its exposition has errors) and the three
    /// series Prometheus adds (`up`, `scrape_duration_seconds` since `start`,
    /// `scrape_samples_scraped`), all at `startedAt`; why it failed, and how many samples it had.
    static func observations(
        of body: Result<ExpositionSource.Body, IngestError>, reader: inout ScrapeReader, startedAt: Int64,
        since start: ContinuousClock.Instant
    ) -> (failure: String?, observations: [SampleMapper.Observation], samples: Int) {
        var failure: String?
        var observations: [SampleMapper.Observation] = []
        switch body {
        case .success(let body):
            let format = body.declaredFormat ?? ExpositionFormat.sniff(body.bytes)
            let read = reader.read(body.bytes, format: format, scrapedAt: startedAt)
            if let first = read.errors.first {
                failure = "invalid exposition (\(read.errors.count) errors), first at \(first)"
            } else {
                observations = read.observations
            }
        case .failure(let error):
            failure = error.description
        }
        let samples = observations.count
        let seconds = Self.seconds(ContinuousClock.now - start)
        let series = reader.scrapeSeries
        observations += [
            .init(series: series.up, value: failure == nil ? 1 : 0, at: startedAt),
            .init(series: series.duration, value: seconds, at: startedAt),
            .init(series: series.samples, value: Double(samples), at: startedAt),
        ]
        return (failure, observations, samples)
    }

    /// An uptime check: status (any 2xx, or the listed codes) and, if asked, a body substring.
    package func probe(_ check: Check) async -> String? {
        var request = HTTPClientRequest(url: check.url)
        request.headers.add(name: "User-Agent", value: "hms-ops")
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(check.timeout.milliseconds))
            let body = try await response.body.collect(upTo: 4 << 20)
            let status = Int(response.status.code)
            let statusOK = check.expectStatus.isEmpty ? (200..<300).contains(status) : check.expectStatus.contains(status)
            guard statusOK else { return "HTTP status \(status)" }
            if let needle = check.bodyContains, !String(buffer: body).contains(needle) {
                return "body does not contain the expected text"
            }
            return nil
        } catch {
            return NetworkFailure.describe(error)
        }
    }

    package static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    /// `host:port` of a URL, the Prometheus `instance` label.
    package static func instance(_ url: String) -> String {
        guard let parts = URLComponents(string: url), let host = parts.host else { return "unknown" }
        return parts.port.map { "\(host):\($0)" } ?? host
    }
}
