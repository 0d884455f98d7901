import Config
import Core
import Foundation
import Logging
import PostgresNIO
import Storage

/// Evaluates a service's SLOs at any moment, past or present, from the rollups.
public struct SLOStatusReader: Sendable {
    package let reader: SLIReader

    public init(postgres: PostgresClient, logger: Logger) {
        reader = SLIReader(postgres: postgres, logger: logger)
    }

    /// Where `slo` of `service` stood at `at` (milliseconds): minutes up to the last complete one
    /// before `at` count. Occurrences windows read whole hours and days; time slices and burn
    /// rates add up per-hour tallies and the minutes at their edges (`SLOHourTallies`).
    public func status(_ slo: SLODefinition, of service: ServiceDefinition, at: Int64) async throws -> SLOStatus {
        let selectors = try SLISelectors(slo.sli, service: service.id)
        try await reader.checkBound(slo.sli, selectors)
        let zone = service.zone
        let window = slo.window.span(at: at, timeZone: zone)
        let objective = slo.objectiveValue
        let now = min(RangePlan.floor(at, 60_000), window.end)
        let tallies = SLOHourTallies(reader: reader, postgres: reader.postgres, logger: reader.logger)
        let threshold = objective.sliceThreshold
        let unsettled = try await tallies.unsettledFrom()
        var burns: [BurnWindow: SLOEvaluator.Tally] = [:]
        for burn in BurnWindow.allCases {
            burns[burn] = try await tallies.tally(
                selectors, threshold: threshold, in: TimeSpan(start: now - burn.minutes * 60_000, end: now), unsettledFrom: unsettled)
        }
        let windowSoFar = TimeSpan(start: window.start, end: max(window.start, now))
        var inWindow = try await tallies.tally(selectors, threshold: threshold, in: windowSoFar, unsettledFrom: unsettled)
        if objective.method == .occurrences {
            // Events add up exactly from day and hour rows too; tallies of the same events agree.
            let totals = try await reader.totals(selectors, in: windowSoFar)
            let minutes = inWindow.slices
            inWindow = SLOEvaluator.Tally(good: totals.good, total: totals.total)
            if totals.total > 0 { inWindow.slices = max(minutes, 1) }
        }
        return SLOEvaluator.evaluate(objective, window: window, at: at, windowTally: inWindow, burnTallies: burns.filter { $0.value.slices > 0 })
    }

    /// Every SLO of `service` at `at`; an SLO that is wrong in itself (e.g. a latency bound that is
    /// not a bucket bound) has its problem in its entry instead of a status. Database failures throw.
    public func entries(of service: ServiceDefinition, at: Int64) async throws -> [SLOSnapshot.Entry] {
        var entries: [SLOSnapshot.Entry] = []
        for slo in service.slos {
            do {
                entries.append(.init(service: service.id, slo: slo, status: try await status(slo, of: service, at: at)))
            } catch let problem as SLOError {
                entries.append(.init(service: service.id, slo: slo, status: nil, problem: problem.description))
            } catch  where DataRefusal.reason(error) != nil {
                let problem = "the stored figures of this SLO cannot be added up (\(DataRefusal.reason(error) ?? "")); its status is unknown"
                reader.logger.warning(
                    "an SLO cannot be evaluated from what is stored",
                    metadata: ["service": "\(service.id)", "slo": "\(slo.id)", "problem": "\(problem)"])
                entries.append(.init(service: service.id, slo: slo, status: nil, problem: problem))
            }
        }
        return entries
    }
}
