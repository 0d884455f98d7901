import Foundation

/// An uptime check: an HTTP GET whose status, latency and optionally body are judged.
public struct ProbeDefinition: Sendable, Equatable {
    public var url: String
    public var interval: ConfigDuration
    public var timeout: ConfigDuration
    /// Status codes that count as up; empty means any 2xx.
    public var expectStatus: [Int]
    /// A substring the body must contain, if set.
    public var bodyContains: String?

    public init(
        url: String, interval: ConfigDuration = .seconds(15), timeout: ConfigDuration = .seconds(5),
        expectStatus: [Int] = [], bodyContains: String? = nil
    ) {
        self.url = url
        self.interval = interval
        self.timeout = timeout
        self.expectStatus = expectStatus
        self.bodyContains = bodyContains
    }
}
