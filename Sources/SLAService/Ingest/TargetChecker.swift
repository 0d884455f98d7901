import AsyncHTTPClient
import CoreMetrics
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// The collector's heartbeat: fetches every scrape target and probe on its interval (with jitter,
/// so targets do not fire together), and records `hms_target_up` and
/// `hms_target_duration_seconds` per target on the server's own metrics.
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
    }

    public var checks: [Check]
    public var metrics: any MetricsFactory
    public var logger: Logger

    public init(config: HMSConfig, metrics: any MetricsFactory, logger: Logger) {
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
        while !Task.isCancelled {
            let clock = ContinuousClock()
            let start = clock.now
            let outcome = await fetch(check)
            let elapsed = clock.now - start
            let (up, duration) =
                gauges ?? (
                    Gauge(label: "hms_target_up", dimensions: dimensions, factory: metrics),
                    Gauge(label: "hms_target_duration_seconds", dimensions: dimensions, factory: metrics)
                )
            gauges = (up, duration)
            up.record(outcome == nil ? 1 : 0)
            duration.record(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
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
            let wait = max(0, interval + jitter - Double(elapsed.components.seconds * 1000))
            try? await Task.sleep(for: .milliseconds(Int64(wait)))
        }
    }

    /// Nil when the check passed; otherwise why it failed.
    func fetch(_ check: Check) async -> String? {
        var request = HTTPClientRequest(url: check.url)
        if check.kind == "scrape" {
            request.headers.add(name: "Accept", value: "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
        }
        request.headers.add(name: "User-Agent", value: "hms-ops")
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(check.timeout.milliseconds))
            let body = try await response.body.collect(upTo: 32 << 20)
            let status = Int(response.status.code)
            let statusOK = check.expectStatus.isEmpty ? (200..<300).contains(status) : check.expectStatus.contains(status)
            guard statusOK else { return "HTTP status \(status)" }
            if let needle = check.bodyContains, !String(buffer: body).contains(needle) {
                return "body does not contain the expected text"
            }
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// `host:port` of a URL, the Prometheus `instance` label.
    static func instance(_ url: String) -> String {
        guard let parts = URLComponents(string: url), let host = parts.host else { return "unknown" }
        return parts.port.map { "\(host):\($0)" } ?? host
    }
}
