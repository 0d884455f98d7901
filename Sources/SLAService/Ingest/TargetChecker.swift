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
                    group.addTask { await self.loop(check) }
                }
            }
        }
    }

    private func loop(_ check: Check) async {
        let dimensions = [("service", check.service), ("kind", check.kind), ("instance", Self.instance(check.url))]
        // Created on the first result, so no target reads "down" before it was ever checked.
        var gauges: (up: Gauge, duration: Gauge)?
        let interval = Double(check.interval.milliseconds)
        // Spread first fetches over the interval so a hundred targets do not all fire at once.
        try? await Task.sleep(for: .milliseconds(Int64(Double.random(in: 0..<interval))))
        var wasUp: Bool?
        var cache = SampleMapper.SeriesCache()
        var template: ExpositionTemplate?
        let ingested = Counter(label: "hms_samples_ingested_total", dimensions: [("service", check.service)], factory: metrics)
        while !Task.isCancelled {
            let clock = ContinuousClock()
            let start = clock.now
            let (outcome, samples) = await fetch(check, cache: &cache, template: &template)
            let elapsed = Self.seconds(clock.now - start)
            if samples > 0 { ingested.increment(by: Int64(samples)) }
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
            try? await Task.sleep(for: .milliseconds(Int64(wait)))
        }
    }

    /// Why the check failed (nil when it passed), and how many samples went to the pipeline;
    /// `cache` holds the series of this check's earlier scrapes, `template` its last good text.
    func fetch(
        _ check: Check, cache: inout SampleMapper.SeriesCache, template: inout ExpositionTemplate?
    ) async -> (failure: String?, samples: Int) {
        let clock = ContinuousClock()
        let start = clock.now
        let startedAt = WallClock.now()
        let target = [Label("instance", Self.instance(check.url)), Label("job", check.service)]
        if check.kind == "scrape" {
            var outcome: String?
            var samples = 0
            do {
                let body = try await ExpositionSource.load(check.url, timeout: check.timeout.duration)
                let format = body.declaredFormat ?? ExpositionFormat.sniff(body.bytes)
                // Text of the same shape as last time is read by its numbers alone.
                let exposition: Exposition
                if let known = template {
                    let (read, matched) = known.read(body.bytes, format: format)
                    exposition = read
                    if !matched { template = ExpositionTemplate(bytes: body.bytes, exposition: read) }
                } else {
                    exposition = ExpositionParser.parse(body.bytes, format: format)
                    template = ExpositionTemplate(bytes: body.bytes, exposition: exposition)
                }
                if let first = exposition.errors.first {
                    outcome = "invalid exposition (\(exposition.errors.count) errors), first at \(first)"
                } else {
                    let observations = SampleMapper.observations(
                        exposition, targetLabels: target, scrapedAt: startedAt, honorLabels: check.honorLabels, cache: &cache)
                    samples = observations.count
                    await pipeline?.ingest(observations)
                }
            } catch {
                outcome = error.description
            }
            let seconds = Self.seconds(clock.now - start)
            await pipeline?.ingest([
                .init(series: SeriesKey(metric: "up", labels: target, kind: .gauge), value: outcome == nil ? 1 : 0, at: startedAt),
                .init(series: SeriesKey(metric: "scrape_duration_seconds", labels: target, kind: .gauge), value: seconds, at: startedAt),
                .init(series: SeriesKey(metric: "scrape_samples_scraped", labels: target, kind: .gauge), value: Double(samples), at: startedAt),
            ])
            return (outcome, samples)
        }
        let outcome = await probe(check)
        let probeLabels = [Label("instance", check.url), Label("job", check.service)]
        await pipeline?.ingest([
            .init(series: SeriesKey(metric: "probe_success", labels: probeLabels, kind: .gauge), value: outcome == nil ? 1 : 0, at: startedAt),
            .init(
                series: SeriesKey(metric: "probe_duration_seconds", labels: probeLabels, kind: .gauge), value: Self.seconds(clock.now - start),
                at: startedAt),
        ])
        return (outcome, 0)
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
