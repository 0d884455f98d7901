import AsyncHTTPClient
import CoreMetrics
import Foundation
import Logging
import NIOCore
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
            await withTaskGroup(of: Void.self) { group in
                for check in checks {
                    group.addTask {
                        // A plain-http target's loop runs on its connection's event loop.
                        if check.kind == "scrape", let connection = ScrapeConnection(url: check.url) {
                            await self.loop(check, connection: connection)
                            await connection.close()
                        } else {
                            await self.loop(check, connection: nil)
                        }
                    }
                }
            }
        }
    }

    private func loop(_ check: Check, connection: isolated ScrapeConnection?) async {
        let dimensions = [("service", check.service), ("kind", check.kind), ("instance", Self.instance(check.url))]
        // Created on the first result, so no target reads "down" before it was ever checked.
        var gauges: (up: Gauge, duration: Gauge)?
        let interval = Double(check.interval.milliseconds)
        // Spread first fetches over the interval so a hundred targets do not all fire at once.
        await Self.pause(.milliseconds(Int64(Double.random(in: 0..<interval))), on: connection)
        var wasUp: Bool?
        var reader = ScrapeReader(targetLabels: Self.targetLabels(check), honorLabels: check.honorLabels)
        let ingested = Counter(label: "hms_samples_ingested_total", dimensions: [("service", check.service)], factory: metrics)
        let ahead = Counter(
            label: "hms_samples_dropped_total", dimensions: [("service", check.service), ("reason", "ahead_of_clock")], factory: metrics)
        var wasAhead = false
        while !Task.isCancelled {
            let clock = ContinuousClock()
            let start = clock.now
            let (outcome, samples, dropped) = await fetch(check, reader: &reader, connection: connection)
            let elapsed = Self.seconds(clock.now - start)
            if samples > dropped { ingested.increment(by: Int64(samples - dropped)) }
            if dropped > 0 { ahead.increment(by: Int64(dropped)) }
            if (dropped > 0) != wasAhead {
                wasAhead = dropped > 0
                if wasAhead {
                    logger.warning(
                        "samples stamped ahead of this server's clock were dropped; check the target's clock",
                        metadata: [
                            "url": "\(check.url)", "service": "\(check.service)", "samples": "\(dropped)",
                            "limit": "\(IngestPipeline.maximumAhead / 60_000) minutes ahead",
                        ])
                } else {
                    logger.info("samples no longer stamped ahead of this server's clock", metadata: ["url": "\(check.url)"])
                }
            }
            let (up, duration) =
                gauges ?? (
                    Gauge(label: "hms_target_up", dimensions: dimensions, factory: metrics),
                    Gauge(label: "hms_target_duration_seconds", dimensions: dimensions, factory: metrics)
                )
            gauges = (up, duration)
            up.record(outcome == nil ? 1 : 0)
            duration.record(elapsed)
            let isUp = outcome == nil
            if wasUp != isUp {
                if let outcome {
                    logger.warning("target down", metadata: ["url": "\(check.url)", "service": "\(check.service)", "reason": "\(outcome)"])
                } else if wasUp != nil {
                    logger.info("target up again", metadata: ["url": "\(check.url)", "service": "\(check.service)"])
                }
                wasUp = isUp
            }
            let jitter = Double.random(in: -0.05...0.05) * interval
            let wait = max(0, interval + jitter - elapsed * 1000)
            await Self.pause(.milliseconds(Int64(wait)), on: connection)
        }
    }

    /// Sleeps on the connection's event loop if there is one.
    static func pause(_ duration: Duration, on connection: isolated ScrapeConnection?) async {
        if let connection {
            await connection.pause(duration)
        } else {
            try? await Task.sleep(for: duration)
        }
    }

    /// The labels every series of a check carries, as Prometheus names them.
    static func targetLabels(_ check: Check) -> [Label] {
        check.kind == "scrape"
            ? [Label("instance", instance(check.url)), Label("job", check.service)] : [Label("instance", check.url), Label("job", check.service)]
    }

    /// Why the check failed (nil when it passed), how many samples went to the pipeline, and how
    /// many of those it dropped as stamped too far ahead (`IngestPipeline.maximumAhead`);
    /// `reader` keeps what this check's earlier scrapes make cheap to read again, `connection`
    /// (for plain http) the connection its requests go on.
    func fetch(
        _ check: Check, reader: inout ScrapeReader, connection: isolated ScrapeConnection? = nil
    ) async -> (failure: String?, samples: Int, ahead: Int) {
        let clock = ContinuousClock()
        let start = clock.now
        let startedAt = WallClock.now()
        if check.kind == "scrape" {
            var outcome: String?
            var observations: [SampleMapper.Observation] = []
            do {
                let body =
                    if let connection {
                        try await connection.fetch(timeout: check.timeout.duration)
                    } else {
                        try await ExpositionSource.load(check.url, timeout: check.timeout.duration)
                    }
                let format = body.declaredFormat ?? ExpositionFormat.sniff(body.bytes)
                let read = reader.read(body.bytes, format: format, scrapedAt: startedAt)
                if let first = read.errors.first {
                    outcome = "invalid exposition (\(read.errors.count) errors), first at \(first)"
                } else {
                    observations = read.observations
                }
            } catch {
                outcome = error.description
            }
            let samples = observations.count
            let seconds = Self.seconds(clock.now - start)
            let series = reader.scrapeSeries
            observations += [
                .init(series: series.up, value: outcome == nil ? 1 : 0, at: startedAt),
                .init(series: series.duration, value: seconds, at: startedAt),
                .init(series: series.samples, value: Double(samples), at: startedAt),
            ]
            // One hop to the pipeline per scrape.
            let ahead = await pipeline?.ingest(observations) ?? 0
            return (outcome, samples, ahead)
        }
        let outcome = await probe(check)
        let probeLabels = reader.targetLabels
        await pipeline?.ingest([
            .init(series: SeriesKey(metric: "probe_success", labels: probeLabels, kind: .gauge), value: outcome == nil ? 1 : 0, at: startedAt),
            .init(
                series: SeriesKey(metric: "probe_duration_seconds", labels: probeLabels, kind: .gauge), value: Self.seconds(clock.now - start),
                at: startedAt),
        ])
        return (outcome, 0, 0)
    }

    /// An uptime check: status (any 2xx, or the listed codes) and, if asked, a body substring.
    func probe(_ check: Check) async -> String? {
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
            return UserFacingError.describeNetwork(error)
        }
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    /// `host:port` of a URL, the Prometheus `instance` label.
    static func instance(_ url: String) -> String {
        guard let parts = URLComponents(string: url), let host = parts.host else { return "unknown" }
        return parts.port.map { "\(host):\($0)" } ?? host
    }
}
