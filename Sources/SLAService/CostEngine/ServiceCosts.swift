import Config
import Core
import CostModel
import Foundation
import Logging
import PostgresNIO
import Storage

/// What services cost: their usage from the rollups, priced with the rate card each names.
public struct ServiceCosts: Sendable {
    package let tallies: CostTallies
    package let config: HMSConfig

    public init(config: HMSConfig, postgres: PostgresClient, logger: Logger) {
        self.config = config
        tallies = CostTallies(query: RollupQuery(postgres: postgres, logger: logger), postgres: postgres, logger: logger)
    }

    /// The card `service` names, or why it has none.
    public func card(of service: ServiceDefinition) throws(CostError) -> RateCard {
        guard let name = service.rateCard else { throw .noRateCard(service: service.id) }
        guard let card = config.rateCards[name] else { throw .noRateCard(service: service.id) }
        return card
    }

    /// What `service` cost over `span` (which starts on a quarter hour; it ends where it ends).
    public func statement(_ service: ServiceDefinition, over span: TimeSpan) async throws -> CostStatement {
        let card = try card(of: service)
        let usage = try await tallies.usage(UsageReader.Selectors(service), in: span)
        return Pricing.price(usage, over: span, card: card)
    }

    /// Makes the stored quarters of `[from, to)` again for every priced service, from the
    /// minutes (after an import: the minutes of old months are pruned within the hour, their
    /// quarters stay). Returns how many quarters were tallied.
    @discardableResult
    public func recompute(from: Int64, to: Int64) async throws -> Int {
        let quarter = UsageReader.quarter
        let span = TimeSpan(start: RangePlan.floor(from, quarter), end: RangePlan.floor(to + quarter - 1, quarter))
        guard span.end > span.start else { return 0 }
        try await tallies.tables.forget(from: span.start, to: span.end)
        var tallied = 0
        for service in config.services where service.rateCard != nil {
            tallied += try await tallies.usage(UsageReader.Selectors(service), in: span).count
        }
        return tallied
    }

    /// What `service` cost in `month` (in its card's zone), up to `now` while it runs.
    public func month(_ service: ServiceDefinition, _ month: CalendarMonth, now: Int64) async throws -> CostStatement {
        let card = try card(of: service)
        guard var span = month.span(in: card.timeZone) else { throw CostError.monthNotBegun(month: month) }
        guard span.start < now else { throw CostError.monthNotBegun(month: month) }
        span.end = min(span.end, RangePlan.floor(now, 60_000))
        let statement = try await statement(service, over: span)
        guard statement.lines.contains(where: { $0.unit.measure != nil && $0.minutesWithData > 0 }) else {
            throw CostError.noData(service: service.id, month: month)
        }
        return statement
    }
}
