import Config
import Core
import Exposition
import Foundation

/// What an SLI counts, as selectors over stored series: good events and all events. Scoped to
/// its service: selectors without a `job` matcher get `job="<service id>"` (the label every
/// scrape, probe and `--service` import of that service carries).
public struct SLISelectors: Sendable, Equatable {
    /// Good events; nil when the SLI counts bad ones instead.
    public var good: Selector?
    /// Bad events, when the SLI names those (good = total − bad).
    public var bad: Selector?
    public var total: Selector
    /// Probe SLIs: good and total are the sum and count of the probe's 0/1 samples.
    public var fromGauge: Bool

    /// `text` as a selector of `service`'s series: `job="<service>"` added unless it names a job.
    static func scoped(_ text: String, service: String) throws(SLOError) -> Selector {
        do {
            return try Selector(parsing: text).scoped(toJob: service)
        } catch {
            throw SLOError.invalidSelector(text: text, reason: "\(error)")
        }
    }

    public init(_ sli: SLIDefinition, service: String) throws(SLOError) {
        func scoped(_ text: String) throws(SLOError) -> Selector { try Self.scoped(text, service: service) }
        switch sli {
        case .ratio(let good, let bad, let total):
            self.good = try good.map(scoped)
            self.bad = try bad.map(scoped)
            self.total = try scoped(total)
            fromGauge = false
        case .latency(let histogram, _, let below):
            var base = try scoped(histogram)
            base.metric += "_bucket"
            var good = base
            good.matchers.append(.init(label: "le", op: .equal, value: FamilyValidator.canonicalBound(String(below))))
            var total = base
            total.matchers.append(.init(label: "le", op: .equal, value: "+Inf"))
            self.good = good
            bad = nil
            self.total = total
            fromGauge = false
        case .probe:
            let selector = Selector(metric: "probe_success", matchers: [.init(label: "job", op: .equal, value: service)])
            good = selector
            bad = nil
            total = selector
            fromGauge = true
        }
    }
}
